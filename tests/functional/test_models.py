"""Model invariants: derived size, constraints, the firm profile."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember


@pytest.mark.parametrize(("band", "size"), [("le150uit", "micro"), ("le1700uit", "small"),
                                             ("le2300uit", "medium"), ("gt2300uit", "large")])
def test_size_is_derived_from_the_sales_band_in_python_and_in_sql(create_firm, band, size):
    firm = create_firm(annual_sales_band=band)
    assert firm.size == size
    assert db.session.scalar(select(Firm.size).where(Firm.id == firm.id)) == size
    assert db.session.scalar(select(func.count()).where(Firm.size == size)) == 1


@pytest.mark.parametrize("fields", [
    {"sector": "banking"}, {"annual_sales_band": "huge"}, {"employees": -1},
    {"tax_regime": "xyz"}, {"association": "mafia"}, {"ruc": "20131312955", "has_ruc": False},
])
def test_the_database_refuses_impossible_profiles(create_firm, fields):
    with pytest.raises(IntegrityError):
        create_firm(**fields)
    db.session.rollback()


def test_a_ruc_belongs_to_one_firm_only(create_firm):
    create_firm(ruc="20131312955", has_ruc=True)
    with pytest.raises(IntegrityError):
        create_firm(ruc="20131312955", has_ruc=True)
    db.session.rollback()


def test_a_firm_can_exist_before_its_owner_and_members_are_unique(create_firm, create_user):
    firm = create_firm()
    assert firm.members == []
    owner = create_user()
    db.session.add(FirmMember(firm=firm, user_id=owner.id, role="owner"))
    db.session.commit()
    db.session.add(FirmMember(firm_id=firm.id, user_id=owner.id, role="advisor"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_deleting_a_firm_removes_its_memberships(create_firm, create_user):
    owner = create_user()
    firm = create_firm(owner=owner)
    db.session.delete(firm)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(FirmMember)) == 0


def test_rotating_the_session_token_changes_the_login_id(create_user):
    user = create_user()
    before = user.get_id()
    user.rotate_session_token()
    assert user.get_id() != before and len(user.get_id()) >= 32


def test_profile_has_every_contract_field(create_firm):
    from maturity.questionnaires.profile import PROFILE_FIELDS

    assert set(create_firm().profile()) == set(PROFILE_FIELDS)
