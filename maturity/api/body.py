"""Reading a JSON request body safely: size first, then strict JSON (no NaN, no deep nesting)."""
from __future__ import annotations

import json
from typing import Any

from flask import request

MAX_BODY_BYTES = 256 * 1024  # a full questionnaire's answers are under 10 KB


class BodyError(ValueError):
    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params = params or {}


def _refuse_constant(name: str) -> float:
    raise BodyError("invalid_json")


def read_json_object() -> dict[str, Any]:
    """The body as a JSON object, or BodyError(code) saying what is wrong."""
    if request.mimetype != "application/json":
        raise BodyError("not_json")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise BodyError("too_large", {"limit": MAX_BODY_BYTES})
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise BodyError("too_large", {"limit": MAX_BODY_BYTES})
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise BodyError("invalid_json") from None
    if not isinstance(body, dict):
        raise BodyError("wrong_type", {"expected": "object"})
    return body
