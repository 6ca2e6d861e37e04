"""Configuration read from the environment (names in the README's configuration table).

`load_config(overrides)` picks the class from `MATURITY_ENV` (or `overrides["MATURITY_ENV"]`),
reads every variable once, and fails fast with a `ConfigError` that says what to fix.
"""
from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from limits import parse_many

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """Raised when the configuration cannot work; the message says what to change."""


class Config:
    """Defaults shared by every environment."""

    MATURITY_ENV = "development"
    DEBUG = False
    TESTING = False

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {"pool_pre_ping": True}

    # Languages: Spanish first. BABEL_DEFAULT_LOCALE is the Peruvian variant so numbers and money
    # follow es_PE (34.5, S/ 1,500.00); catalogs are looked up as es_PE → es.
    LANGUAGES = ("es", "en")
    BABEL_DEFAULT_LOCALE = "es_PE"
    BABEL_DEFAULT_TIMEZONE = "America/Lima"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")

    # A long questionnaire page must never expire its CSRF token.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True

    # Request size limits: the largest legitimate request is an autosave batch or a field-work
    # import (issue 10 sets its own, stricter, limit before parsing).
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    MAX_FORM_PARTS = 2000

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False

    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    API_RATE_LIMIT = "120 per minute"

    # Accounts. A session ends after SESSION_IDLE_MINUTES without a request (autosave counts) or
    # SESSION_ABSOLUTE_HOURS after log-in; a "remember me" device skips the idle limit and lasts
    # REMEMBER_COOKIE_DURATION. Throttles use Flask-Limiter's notation; the moving window is the
    # cool-down (nothing is ever locked for good).
    SESSION_IDLE_MINUTES = 60
    SESSION_ABSOLUTE_HOURS = 12
    LOGIN_IP_LIMIT = "30 per minute"
    LOGIN_ACCOUNT_LIMIT = "10 per 15 minutes"  # failed log-ins per account, from any address
    AUTH_MAIL_IP_LIMIT = "20 per hour"  # sign-up, reset and resend requests per client address
    MAIL_ADDRESS_LIMIT = "3 per hour"  # e-mails one address receives because of other people's requests

    PROXY_HOPS = 0
    MFA_REQUIRED_ROLES: tuple[str, ...] = ()
    # Second factor and fresh log-in (maturity.auth.mfa): wrong codes per account (from any address)
    # before a cool-down; changing a password, an e-mail address or a role needs a log-in (password
    # and second factor) this recent, else the person confirms who they are again first.
    MFA_ACCOUNT_LIMIT = "5 per 15 minutes"
    FRESH_LOGIN_MINUTES = 10
    CHROMIUM_PATH = "/usr/bin/chromium"

    # The PDF plan renders in a process of its own, killed past PDF_RENDER_TIMEOUT seconds; at most
    # PDF_WORKERS renders run at once per app process. WeasyPrint is CPU-bound and `make serve` runs
    # two app processes per core, so one each already lets renders take every core.
    PDF_RENDER_TIMEOUT = 60
    PDF_WORKERS = 1
    # With REDIS_URL, jobs go to an RQ queue (`flask --app wsgi worker`): a failed or timed-out job
    # runs again up to JOB_RETRIES times, after JOB_RETRY_INTERVALS seconds (one per retry).
    JOB_QUEUE = "madurez"
    JOB_RETRIES = 2
    JOB_RETRY_INTERVALS: tuple[int, ...] = (10, 60)
    # Logs: one JSON object per line ("json", the production default) or readable lines ("text").
    LOG_FORMAT = "text"
    # Migrations on PostgreSQL give up when a lock is not granted within this (never queue traffic).
    MIGRATION_LOCK_TIMEOUT = "2s"
    # If Redis (the shared rate-limit store) is unreachable, limits are counted per process meanwhile.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    # Cohorts: no figure from fewer firms than this is published (small-group suppression; 5 or more).
    BENCHMARK_MIN_FIRMS = 5
    AGENCY_API_RATE_LIMIT = "60 per minute"  # Agency API requests per client address
    COHORT_EXPORT_LIMIT = "30 per hour"  # cohort exports per client address
    COHORT_IMPORT_LIMIT = "30 per hour"  # CSV imports of RUCs per client address
    COHORT_CACHE_SECONDS = 300  # cohort aggregates kept per process (keyed by the cohort's data version); 0: off
    COHORT_STALE_AFTER_MS = 250  # a cohort whose figures take longer is refreshed in the background (stale served)
    DEMO_COHORT_SCALE = 1.0  # share of the demo's 300 synthetic cohort firms `flask demo` builds

    # A programme whose facts were verified longer ago than this is shown as possibly out of date
    # (Peruvian programmes change every year); `flask questionnaires check` warns about it.
    PROGRAMME_MAX_AGE_DAYS = 400
    # The advisor dashboard marks a firm "follow-up overdue" when its latest submitted assessment is
    # older than this and no newer one was started.
    FOLLOW_UP_DAYS = 180

    # Ley 30056 bands are in UIT; the UIT in soles is set every year by decree (DS 301-2025-EF: 2026).
    UIT_SOLES = 5500
    UIT_YEAR = 2026


class DevelopmentConfig(Config):
    DEBUG = False  # the debugger is opt-in (`flask run --debug`), never a default


class TestingConfig(Config):
    MATURITY_ENV = "testing"
    TESTING = True
    DEMO_COHORT_SCALE = 0.1  # 30 synthetic cohort firms: enough to show every step, fast in tests
    RATELIMIT_ENABLED = True


class ProductionConfig(Config):
    MATURITY_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    MFA_REQUIRED_ROLES = ("admin", "analyst", "advisor")
    LOG_FORMAT = "json"


_CLASSES = {"development": DevelopmentConfig, "production": ProductionConfig, "testing": TestingConfig}


def load_config(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the configuration mapping for the environment, validated."""
    overrides = dict(overrides or {})
    env = os.environ if environ is None else environ
    name = overrides.get("MATURITY_ENV") or env.get("MATURITY_ENV") or "development"
    if name not in _CLASSES:
        raise ConfigError(f"MATURITY_ENV={name!r} is not one of {', '.join(ENVIRONMENTS)}.")
    cls = _CLASSES[name]
    cfg = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    instance = Path(overrides.get("INSTANCE_PATH") or env.get("INSTANCE_PATH") or PROJECT_ROOT / "instance")
    cfg["INSTANCE_PATH"] = str(instance)

    cfg["SECRET_KEY"] = env.get("SECRET_KEY") or None
    cfg["SQLALCHEMY_DATABASE_URI"] = env.get("DATABASE_URL") or f"sqlite:///{instance / 'maturity.db'}"
    cfg["REDIS_URL"] = env.get("REDIS_URL") or None
    cfg["STORAGE_DIR"] = env.get("STORAGE_DIR") or str(instance / "storage")
    cfg["CHROMIUM_PATH"] = env.get("CHROMIUM_PATH") or cfg["CHROMIUM_PATH"]
    for key in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM"):
        cfg[key] = env.get(key) or None
    cfg["MAIL_PORT"] = _int(env, "MAIL_PORT", 587)
    cfg["PROXY_HOPS"] = _int(env, "PROXY_HOPS", 0)
    cfg["PROGRAMME_MAX_AGE_DAYS"] = _int(env, "PROGRAMME_MAX_AGE_DAYS", cfg["PROGRAMME_MAX_AGE_DAYS"])
    cfg["FOLLOW_UP_DAYS"] = _int(env, "FOLLOW_UP_DAYS", cfg["FOLLOW_UP_DAYS"])
    cfg["PDF_RENDER_TIMEOUT"] = _int(env, "PDF_RENDER_TIMEOUT", cfg["PDF_RENDER_TIMEOUT"])
    cfg["PDF_WORKERS"] = _int(env, "PDF_WORKERS", cfg["PDF_WORKERS"])
    for key in ("SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS"):
        cfg[key] = _int(env, key, cfg[key])
    cfg["FRESH_LOGIN_MINUTES"] = _int(env, "FRESH_LOGIN_MINUTES", cfg["FRESH_LOGIN_MINUTES"])
    cfg["MFA_ACCOUNT_LIMIT"] = env.get("MFA_ACCOUNT_LIMIT") or cfg["MFA_ACCOUNT_LIMIT"]
    for key in ("LOGIN_IP_LIMIT", "LOGIN_ACCOUNT_LIMIT", "AUTH_MAIL_IP_LIMIT", "MAIL_ADDRESS_LIMIT"):
        cfg[key] = env.get(key) or cfg[key]
    if "MFA_REQUIRED_ROLES" in env:
        cfg["MFA_REQUIRED_ROLES"] = tuple(r.strip() for r in env["MFA_REQUIRED_ROLES"].split(",") if r.strip())

    cfg["JOB_RETRIES"] = _int(env, "JOB_RETRIES", cfg["JOB_RETRIES"])
    if env.get("JOB_RETRY_INTERVALS"):
        cfg["JOB_RETRY_INTERVALS"] = _int_list(env["JOB_RETRY_INTERVALS"], "JOB_RETRY_INTERVALS")
    for key in ("JOB_QUEUE", "LOG_FORMAT", "MIGRATION_LOCK_TIMEOUT"):
        cfg[key] = env.get(key) or cfg[key]
    cfg.update(overrides)
    cfg["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(cfg["SQLALCHEMY_DATABASE_URI"])
    cfg["RATELIMIT_STORAGE_URI"] = cfg.get("RATELIMIT_STORAGE_URI") or cfg["REDIS_URL"] or "memory://"
    _check(cfg)
    if not cfg["SECRET_KEY"]:
        cfg["SECRET_KEY"] = _development_secret(Path(cfg["INSTANCE_PATH"]))
    return cfg


def _int(env: dict[str, str] | os._Environ[str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{key} must be a whole number, got {raw!r}.") from None
    if value < 0:
        raise ConfigError(f"{key} must be 0 or more, got {value}.")
    return value


def _int_list(raw: str, key: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"{key} must be whole numbers of seconds separated by commas, got {raw!r}.") from None
    if not values or min(values) < 0:
        raise ConfigError(f"{key} must be whole numbers of seconds (0 or more) separated by commas, got {raw!r}.")
    return values


def _normalise_db_url(url: str) -> str:
    # Heroku-style and plain postgres URLs would load psycopg2, which is not a dependency.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _check(cfg: dict[str, Any]) -> None:
    url = cfg["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise ConfigError(f"DATABASE_URL must be a SQLite or PostgreSQL URL (postgresql+psycopg://…), got {url.split(':')[0]!r}.")
    if cfg["MATURITY_ENV"] == "production":
        if not cfg["SECRET_KEY"]:
            raise ConfigError("SECRET_KEY is not set: production refuses to start without it. "
                              "Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'")
        if len(cfg["SECRET_KEY"]) < 32:
            raise ConfigError("SECRET_KEY is too short for production: use at least 32 random characters.")
    for key in ("SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS"):
        if cfg[key] < 1:
            raise ConfigError(f"{key} must be at least 1, got {cfg[key]}.")
    if cfg["FRESH_LOGIN_MINUTES"] < 1:
        raise ConfigError(f"FRESH_LOGIN_MINUTES must be at least 1, got {cfg['FRESH_LOGIN_MINUTES']}.")
    try:
        parse_many(cfg["MFA_ACCOUNT_LIMIT"])
    except ValueError:
        raise ConfigError("MFA_ACCOUNT_LIMIT must be a rate such as '5 per 15 minutes', "
                          f"got {cfg['MFA_ACCOUNT_LIMIT']!r}.") from None
    for key in ("LOGIN_IP_LIMIT", "LOGIN_ACCOUNT_LIMIT", "AUTH_MAIL_IP_LIMIT", "MAIL_ADDRESS_LIMIT"):
        try:
            parse_many(cfg[key])
        except ValueError:
            raise ConfigError(f"{key} must be a rate such as '10 per 15 minutes', got {cfg[key]!r}.") from None
    if not cfg["PDF_RENDER_TIMEOUT"] > 0:
        raise ConfigError(f"PDF_RENDER_TIMEOUT must be more than 0 seconds, got {cfg['PDF_RENDER_TIMEOUT']}.")
    if cfg["PDF_WORKERS"] < 1:
        raise ConfigError(f"PDF_WORKERS must be at least 1, got {cfg['PDF_WORKERS']}.")
    if not isinstance(cfg["BENCHMARK_MIN_FIRMS"], int) or cfg["BENCHMARK_MIN_FIRMS"] < 5:
        raise ConfigError(f"BENCHMARK_MIN_FIRMS must be a whole number of 5 or more, got {cfg['BENCHMARK_MIN_FIRMS']!r}.")
    if cfg["LOG_FORMAT"] not in ("json", "text"):
        raise ConfigError(f"LOG_FORMAT must be 'json' or 'text', got {cfg['LOG_FORMAT']!r}.")
    if not re.fullmatch(r"\d{1,6}(ms|s|min)?", str(cfg["MIGRATION_LOCK_TIMEOUT"])):
        raise ConfigError(f"MIGRATION_LOCK_TIMEOUT must be a duration such as '2s' or '500ms', "
                          f"got {cfg['MIGRATION_LOCK_TIMEOUT']!r}.")
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", str(cfg["JOB_QUEUE"])):
        raise ConfigError(f"JOB_QUEUE must be a short name (letters, digits, . _ : -), got {cfg['JOB_QUEUE']!r}.")
    unknown_roles = set(cfg["MFA_REQUIRED_ROLES"]) - {"owner", "advisor", "analyst", "admin"}
    if unknown_roles:
        raise ConfigError(f"MFA_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown_roles))}.")


def _development_secret(instance: Path) -> str:
    """A per-checkout key kept in instance/, so sessions survive restarts in development."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
