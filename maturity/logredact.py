"""A logging filter that keeps personal data and secrets out of every log line.

Attached to the root handlers by `create_app`, so each record passes it whoever logged it
(this app, Werkzeug, SQLAlchemy, Flask-Limiter…). It rewrites the record's message once,
with its arguments merged in, and then:

- masks natural-person RUCs: an 11-digit RUC that does not start with 20 belongs to a person
  (10: a person with business income, embedding the DNI; 15 and 17: other individuals), so
  `10456789012` becomes `10*******12` (Ley 29733; reliability_security.md R3). Company RUCs (20…)
  are public registry data and stay as they are;
- hides secrets: values of `password=`, `token=`, `secret=`, `code=`, `csrf_token=`, `session=`,
  `remember_token=` and similar in query strings, forms, JSON and headers; `Authorization`,
  `Cookie` and `Set-Cookie` header values; bearer tokens and Agency API tokens (`mz4_…`); signed itsdangerous tokens in URL paths
  (`/auth/reset/<token>`, `/auth/confirm/<token>`…).

A record that carries an exception keeps its traceback, but the traceback text is filtered too
(`exc_text` is formatted and masked here).
"""
from __future__ import annotations

import logging
import re

MASK = "[redacted]"

# An 11-digit number not inside a longer run of digits, starting with 10, 15 or 17.
_PERSON_RUC = re.compile(r"(?<!\d)(1[057])(\d{7})(\d{2})(?!\d)")

# Names of fields whose values are hidden (a regular expression).
_KEYS_TO_HIDE = (
    r"pass(?:word|wd)?|new_password|current_password|contrase(?:ñ|n)a|secret|totp_secret|otp|otp_code|recovery_code|"
    r"token|access_token|refresh_token|api[_-]?key|csrf_token|x-csrftoken|session|remember_token|"
    r"__host-session|authorization|cookie|set-cookie|idempotency-key|session_token"
)
# key=value / key: value / "key": "value", in query strings, forms, headers and JSON.
_KEY_VALUE = re.compile(
    r"""(?P<key>["']?\b(?:""" + _KEYS_TO_HIDE + r""")\b["']?\s*[:=]\s*)"""
    r"""(?!\[redacted\])(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^"'&\s,;}\]]+)""",
    re.IGNORECASE,
)
# Header lines whose whole value is a credential.
_HEADER = re.compile(r"(?P<key>\b(?:authorization|cookie|set-cookie)\s*:\s*)(?P<value>[^\r\n]+)", re.IGNORECASE)
_BEARER = re.compile(r"(?P<key>\b(?:bearer|basic)\s+)(?P<value>[A-Za-z0-9._~+/=-]{8,})", re.IGNORECASE)
# Agency API tokens carry a fixed prefix (maturity.cohorts.tokens.TOKEN_PREFIX).
_API_TOKEN = re.compile(r"(?P<key>\bmz4_)(?P<value>[A-Za-z0-9_-]{16,})")
# Links sent by e-mail carry a signed token as the last path segment.
_LINK_TOKEN = re.compile(
    r"(?P<key>/(?:auth/(?:reset|confirm|welcome)|account/email|cohorts?/join|invitations?)/)(?P<value>[A-Za-z0-9._~-]{16,})"
)


def mask_ruc(match: re.Match[str]) -> str:
    return match.group(1) + "*" * len(match.group(2)) + match.group(3)


def _mask_value(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return match.group("key") + quote + MASK + quote


def redact(text: str) -> str:
    """`text` with natural-person RUCs masked and secrets replaced by [redacted]."""
    if not text:
        return text
    text = _HEADER.sub(lambda m: m.group("key") + MASK, text)
    text = _BEARER.sub(lambda m: m.group("key") + MASK, text)
    text = _API_TOKEN.sub(lambda m: m.group("key") + MASK, text)
    text = _KEY_VALUE.sub(_mask_value, text)
    text = _LINK_TOKEN.sub(lambda m: m.group("key") + MASK, text)
    return _PERSON_RUC.sub(mask_ruc, text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in) and traceback through `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log what there is, still redacted  # noqa: BLE001
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            # The formatter prints exc_text; drop exc_info so nothing reformats the raw traceback.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()
_installed_factory = False


def install(logger: logging.Logger | None = None) -> None:
    """Make every log line pass the filter.

    The filter goes on each handler of `logger` (the root logger by default): handler filters see
    records propagated from every logger, which logger filters do not. And the record factory is
    wrapped once, so handlers added later (a server's, pytest's) get redacted records as well.
    """
    global _installed_factory
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    if not _installed_factory:
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _FILTER.filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed_factory = True
