"""Configuration from the environment: defaults, fail-fast errors, production rules."""
import pytest

from maturity.config import ConfigError, load_config


def test_development_defaults_use_sqlite_under_instance_and_generate_a_persistent_key(tmp_path):
    cfg = load_config(environ={"INSTANCE_PATH": str(tmp_path)})
    assert cfg["MATURITY_ENV"] == "development"
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'maturity.db'}"
    assert cfg["STORAGE_DIR"] == str(tmp_path / "storage")
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://"
    assert len(cfg["SECRET_KEY"]) >= 32
    assert load_config(environ={"INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"] == cfg["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config(environ={"MATURITY_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="too short"):
        load_config(environ={"MATURITY_ENV": "production", "SECRET_KEY": "short", "INSTANCE_PATH": str(tmp_path)})


def test_production_hardens_cookies_and_requires_mfa_for_staff(tmp_path):
    cfg = load_config(environ={"MATURITY_ENV": "production", "SECRET_KEY": "x" * 40, "INSTANCE_PATH": str(tmp_path)})
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["REMEMBER_COOKIE_SECURE"]
    assert set(cfg["MFA_REQUIRED_ROLES"]) == {"admin", "analyst", "advisor"}


@pytest.mark.parametrize(("environ", "message"), [
    ({"MATURITY_ENV": "staging"}, "MATURITY_ENV='staging' is not one of"),
    ({"DATABASE_URL": "mysql://u@h/db"}, "SQLite or PostgreSQL"),
    ({"PROXY_HOPS": "two"}, "PROXY_HOPS must be a whole number"),
    ({"PROXY_HOPS": "-1"}, "PROXY_HOPS must be 0 or more"),
    ({"MAIL_PORT": "25x"}, "MAIL_PORT must be a whole number"),
    ({"MFA_REQUIRED_ROLES": "admin,root"}, "unknown roles: root"),
])
def test_bad_configuration_fails_fast_with_a_clear_message(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(environ={"INSTANCE_PATH": str(tmp_path), **environ})


@pytest.mark.parametrize("url", ["postgres://u:p@h/db", "postgresql://u:p@h/db"])
def test_postgres_urls_use_psycopg3(tmp_path, url):
    cfg = load_config(environ={"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url})
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@h/db"


def test_redis_url_backs_rate_limits(tmp_path):
    cfg = load_config(environ={"INSTANCE_PATH": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_csrf_tokens_never_expire_so_long_pages_keep_working(tmp_path):
    assert load_config(environ={"INSTANCE_PATH": str(tmp_path)})["WTF_CSRF_TIME_LIMIT"] is None
