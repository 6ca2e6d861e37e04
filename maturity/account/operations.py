"""Account writes: password and address changes, and deleting an account with its sole-owner firms."""
from __future__ import annotations

import logging

from flask import current_app, url_for
from sqlalchemy import func, select

from maturity.assessments.models import Assessment
from maturity.auth import operations as auth_operations
from maturity.auth import throttling, tokens
from maturity.auth.addresses import normalize_email
from maturity.auth.models import User
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.mail import send_mail
from maturity.reports.storage import remove_plans
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)


def change_password(user: User, new_password: str) -> None:
    """Set a new password; every other device is logged out (the caller renews this one)."""
    auth_operations.set_password(user, new_password, "changed on the account page")


def request_email_change(user: User, new_email: str) -> None:
    """Mail a confirmation link to the new address. When another account already uses it, that
    address's owner is told instead, exactly as for a sign-up (the caller answers the same)."""
    new_email = normalize_email(new_email)
    if not throttling.allow_mail(new_email, "email-change"):
        log.info("user %s: e-mail change mail throttled", user.id)
        return
    if auth_operations.find_user(new_email) is not None:
        send_mail(new_email, "signup_existing", user.language,
                  login_url=url_for("auth.login", _external=True), reset_url=url_for("auth.reset_request", _external=True))
    else:
        link = url_for("account.confirm_email_change", token=tokens.make_email_change_token(user, new_email), _external=True)
        send_mail(new_email, "email_change", user.language, confirm_url=link)
    log.info("user %s asked to change the e-mail address", user.id)


def change_email(user: User, new_email: str) -> bool:
    """Apply a confirmed address change; False when another account took the address meanwhile."""
    new_email = normalize_email(new_email)
    if auth_operations.find_user(new_email) is not None:
        return False
    old_email, old_language = user.email, user.language
    user.email = new_email
    user.confirmed_at = utcnow()  # the link came through the new address
    db.session.commit()
    log.info("user %s changed the e-mail address", user.id)
    send_mail(old_email, "email_changed", old_language)
    return True


def firms_deleted_with(user: User) -> list[Firm]:
    """The firms where `user` is the only owner: deleting the account deletes them too."""
    owned = select(FirmMember.firm_id).where(FirmMember.user_id == user.id, FirmMember.role == "owner")
    other_owners = (select(func.count()).select_from(FirmMember)
                    .where(FirmMember.firm_id == Firm.id, FirmMember.role == "owner", FirmMember.user_id != user.id)
                    .scalar_subquery())
    return list(db.session.scalars(select(Firm).where(Firm.id.in_(owned), other_owners == 0).order_by(Firm.name)))


def delete_account(user: User) -> int:
    """Delete the account and the firms where it is the only owner; return how many firms went."""
    firms = firms_deleted_with(user)
    assessment_ids = list(db.session.scalars(select(Assessment.id).where(Assessment.firm_id.in_([f.id for f in firms]))))
    for firm in firms:
        db.session.delete(firm)
    user_id = user.id
    db.session.delete(user)
    db.session.commit()
    # The PDFs of deleted firms go too: nothing of a deleted account stays in storage.
    for assessment_id in assessment_ids:
        remove_plans(current_app.config["STORAGE_DIR"], assessment_id)
    log.info("user %s deleted their account and %d firm(s) they alone owned", user_id, len(firms))
    return len(firms)
