"""RUC (Peruvian tax ID) normalisation and validation, on python-stdnum."""
from __future__ import annotations

import unicodedata

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.pe import ruc as _ruc

# Stable problem codes; the forms and the API translate them.
RUC_PROBLEMS = ("format", "length", "prefix", "checksum")


class RucError(ValueError):
    """A RUC that cannot be right; `code` is one of RUC_PROBLEMS."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_ruc(raw: str) -> str:
    """Return the 11 ASCII digits of a valid RUC, or raise RucError.

    Spaces, dashes and dots are dropped and full-width digits (some phone keyboards type them)
    become ASCII, so "２０１３１３１２９５５" and "20-131312955" both give "20131312955".
    """
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in text if ch not in " -.\u00a0\t")
    if not text.isascii() or not text.isdigit():
        raise RucError("format")
    try:
        return _ruc.validate(text)
    except InvalidLength:
        raise RucError("length") from None
    except InvalidComponent:
        raise RucError("prefix") from None
    except InvalidChecksum:
        raise RucError("checksum") from None
    except (InvalidFormat, ValidationError):
        raise RucError("format") from None


def is_personal_ruc(ruc: str) -> bool:
    """RUCs not starting with 20 belong to natural persons (10 embeds the DNI): personal data."""
    return not ruc.startswith("20")


def mask_ruc(ruc: str | None) -> str:
    """What logs may show: company RUCs in full, personal ones masked."""
    if not ruc:
        return "-"
    return ruc if not is_personal_ruc(ruc) else ruc[:2] + "*******" + ruc[-2:]
