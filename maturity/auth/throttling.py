"""Throttles for the account routes, kept where Flask-Limiter keeps its counters (REDIS_URL, else memory).

- per client address: log-in attempts, and requests that send e-mail (sign-up, reset, resend);
- per account: failed log-ins from any address (a moving window: a cool-down, never a lock);
- per e-mail address: messages one address receives because of someone else's request.
Keys hold digests, never an address. The limits are read from the config at request time.
"""
from __future__ import annotations

import hashlib

from flask import current_app, request
from flask.wrappers import Response
from limits import parse

from maturity.auth.addresses import normalize_email
from maturity.extensions import limiter


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def login_ip_limit() -> str:
    return current_app.config["LOGIN_IP_LIMIT"]


def login_account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_LIMIT"]


def auth_mail_ip_limit() -> str:
    return current_app.config["AUTH_MAIL_IP_LIMIT"]


def account_key() -> str:
    """The account a log-in attempt is aimed at, whether or not it exists (so limits leak nothing)."""
    return "account:" + _digest(normalize_email(request.form.get("email")))


def failed_login(response: Response) -> bool:
    """Only failed attempts count against an account: a success redirects."""
    return response.status_code != 302


def allow_mail(address: str, kind: str) -> bool:
    """Count one more `kind` e-mail to `address`; False when MAIL_ADDRESS_LIMIT says it is enough."""
    if not limiter.enabled:
        return True
    item = parse(current_app.config["MAIL_ADDRESS_LIMIT"])
    return limiter.limiter.hit(item, "mail-to", kind, _digest(normalize_email(address)))
