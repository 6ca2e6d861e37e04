"""Writes for firms: register one with its owner."""
from __future__ import annotations

import logging

from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.firms.ruc import mask_ruc

log = logging.getLogger(__name__)


def register_firm(owner, profile: dict) -> Firm:
    """Create a firm with `owner` as its owner member."""
    firm = Firm(**profile)
    db.session.add(firm)
    db.session.add(FirmMember(firm=firm, user_id=owner.id, role="owner"))
    db.session.flush()
    log.info("user %s registered firm %s (RUC %s, sector %s)", owner.id, firm.id, mask_ruc(firm.ruc), firm.sector)
    return firm
