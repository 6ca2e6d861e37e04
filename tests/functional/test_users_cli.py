"""`flask users create` (password from standard input) and the demo accounts."""
import re

from sqlalchemy import func, select

from maturity.auth.models import User
from maturity.extensions import db
from maturity.firms.models import FirmMember


def test_users_create_reads_the_password_from_stdin(app, runner, create_organization):
    create_organization(name="CITE Textil")
    result = runner.invoke(args=["users", "create", "Asesor@Example.pe", "--role", "advisor", "--org", "CITE Textil"],
                           input="una frase larga y secreta\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "asesor@example.pe"))
    assert user.role == "advisor" and user.organization.name == "CITE Textil" and user.is_confirmed
    assert user.password_hash.startswith("$argon2id$")
    assert "una frase larga y secreta" not in result.output


def test_users_create_refuses_weak_passwords_with_the_same_rules(app_ctx, runner):
    for password, reason in [("corta", "too short"), ("password1234", "most common"), ("admin@madurez.pe 1", "must not contain")]:
        result = runner.invoke(args=["users", "create", "admin@madurez.pe", "--role", "admin"], input=password + "\n")
        assert result.exit_code != 0 and reason in result.output, result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_names_an_unknown_organisation(app, runner, create_organization):
    create_organization(name="Agencia Regional")
    result = runner.invoke(args=["users", "create", "x@example.pe", "--role", "analyst", "--org", "Agencia Regionl"],
                           input="una frase larga y secreta\n")
    assert result.exit_code != 0
    assert "unknown organisation 'Agencia Regionl'" in result.output and "Agencia Regional" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_refuses_a_taken_address_a_bad_one_and_staff_without_organisation(app, runner, create_user):
    create_user(email="ya@example.pe")
    cases = [(["ya@example.pe", "--role", "owner"], "already exists"), (["no es correo", "--role", "owner"], "not a valid"),
             (["n@example.pe", "--role", "advisor"], "--org"), (["n@example.pe", "--role", "boss"], "Invalid value")]
    for args, message in cases:
        result = runner.invoke(args=["users", "create", *args], input="una frase larga y secreta\n")
        assert result.exit_code != 0 and message in result.output, result.output


def test_demo_creates_one_account_per_role_once_and_prints_each_password_once(app_ctx, runner, client, auth):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    created = re.findall(r"account created: (\w+) (\S+) password: (\S+) \(DEMO ONLY", first.output)
    assert sorted(role for role, _, _ in created) == ["admin", "advisor", "analyst", "owner"]
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "password" not in second.output and second.output.count("account present") == 4
    assert db.session.scalar(select(func.count()).select_from(User)) == 4
    owner = db.session.scalar(select(User).where(User.role == "owner"))
    assert db.session.scalar(select(func.count()).select_from(FirmMember).where(FirmMember.user_id == owner.id)) == 1
    advisor = db.session.scalar(select(User).where(User.role == "advisor"))
    assert advisor.organization is not None
    _, email, password = next(c for c in created if c[0] == "admin")
    assert auth.login(client, email, password).status_code == 302
    assert client.get("/admin/").status_code == 200
