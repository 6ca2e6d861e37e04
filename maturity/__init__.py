"""Madurez 4.0: the application factory, as a short list of named set-up steps."""
from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Flask is imported inside the factory so that the pure packages (maturity.scoring,
# maturity.questionnaires) import without it.
if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides what the environment says (tests pass their own)."""
    from flask import Flask

    from maturity.config import PROJECT_ROOT, load_config

    settings = load_config(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder="templates",
    )
    app.config.update(settings)
    from maturity.urls import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route: ids beyond the database's range are 404
    for step in (
        _configure_logging,
        _init_database,
        _init_security,
        _init_i18n,
        _init_templates,
        _init_auth,
        _init_questionnaires,
        _init_jobs,
        _register_blueprints,
        _register_commands,
        _init_errors,
    ):
        step(app)
    return app


def _configure_logging(app: Flask) -> None:
    # JSON lines (LOG_FORMAT=json) and the request id: before the text set-up below, which then finds
    # the JSON handler in place; the request hooks registered here run first and finish last.
    from maturity.ops import logs

    logs.configure(app)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic announces every plugin it loads at INFO; keep start-up logs about this app.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # Every log line passes the privacy filter: natural-person RUCs masked, secrets and tokens removed.
    from maturity import logredact

    logredact.install()


def _init_database(app: Flask) -> None:
    from flask import g, request

    from maturity import models  # noqa: F401  (the whole schema, for Alembic)
    from maturity.config import PROJECT_ROOT
    from maturity.database import configure_engine, declares_writes, reset_write_intent, set_write_intent
    from maturity.extensions import db, migrate

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    Path(app.config["STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    with app.app_context():
        configure_engine(db.engine)

    @app.before_request
    def _declare_write_intent() -> None:
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        g.write_intent_token = set_write_intent(declares_writes(request.method, view))

    @app.teardown_request
    def _forget_write_intent(_exc: BaseException | None) -> None:
        token = g.pop("write_intent_token", None)
        if token is not None:
            with contextlib.suppress(ValueError):  # a streamed response ends in another context
                reset_write_intent(token)


def _init_security(app: Flask) -> None:
    from maturity import security
    from maturity.extensions import csrf, limiter

    security.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)


def _init_i18n(app: Flask) -> None:
    from maturity import i18n

    i18n.init_app(app)


def _init_templates(app: Flask) -> None:
    from maturity import templating

    templating.init_app(app)


def _init_auth(app: Flask) -> None:
    from sqlalchemy import bindparam, select

    from maturity import policy
    from maturity.auth.models import User
    from maturity.extensions import db, login_manager
    from maturity.i18n import _l

    login_manager.init_app(app)
    login_manager.session_protection = "basic"  # "strong" logs out phones whose IP changes
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.login_view = "auth.login"

    # Asked on every request: built once, with the token as a bound parameter.
    by_token = select(User).where(User.session_token == bindparam("token"), User.active.is_(True))

    @login_manager.user_loader
    def _load_user(token: str) -> User | None:
        return db.session.scalar(by_token, {"token": token})

    from maturity import mail
    from maturity.auth import sessions

    mail.init_app(app)
    sessions.init_app(app)  # before the policy: a timed-out session is ended before the table is read
    from maturity.auth import mfa

    mfa.init_app(app)  # after the timeouts, before the policy: staff who must set up a second factor do that first
    policy.init_app(app)


def _init_questionnaires(app: Flask) -> None:
    from maturity import content

    content.init_app(app)


def _init_jobs(app: Flask) -> None:
    from maturity import jobs

    jobs.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from maturity.account import bp as account_bp
    from maturity.admin import bp as admin_bp
    from maturity.api import bp as api_bp
    from maturity.assessments import bp as assessments_bp
    from maturity.assessments import init_policy as assessments_policy
    from maturity.auth import bp as auth_bp
    from maturity.extensions import csrf
    from maturity.firms import bp as firms_bp
    from maturity.firms import init_policy as firms_policy
    from maturity.main import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(firms_bp)
    firms_policy()
    app.register_blueprint(assessments_bp)
    assessments_policy()
    from maturity.cohorts import api_bp as agency_api_bp
    from maturity.cohorts import bp as cohorts_bp
    from maturity.cohorts import init_policy as cohorts_policy

    app.register_blueprint(cohorts_bp)
    # The Agency API is GET-only and reads no cookie (bearer tokens): it needs no CSRF exemption.
    app.register_blueprint(agency_api_bp)
    cohorts_policy()
    from maturity.advisors import bp as advisors_bp

    app.register_blueprint(advisors_bp)
    # The one CSRF exemption: the public API reads no cookie and changes nothing.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    from maturity import reports

    reports.init_app(app)
    from maturity import planning

    planning.init_app(app)


def _register_commands(app: Flask) -> None:
    from maturity.commands import register

    register(app)


def _init_errors(app: Flask) -> None:
    from maturity import errors

    errors.init_app(app)
