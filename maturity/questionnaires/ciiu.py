"""CIIU activity code → questionnaire sector, from the rules in `questionnaires/ciiu.csv`.

contracts.md: a firm's `ciiu` is 5 digits for SUNAT's Rev.3-based codes (as in the Ruta Digital
open data, e.g. `18100`) and 4 digits for CIIU Rev.4 (e.g. `1410`); blank or unknown → `general`.
The file holds prefix rules (`181xx` → textiles) with exceptions as longer rules (`1820x` →
handicrafts); the rule with the most digits of the code's own length wins. Pure Python::

    from maturity.questionnaires.ciiu import sector_for_ciiu
    sector_for_ciiu("18100")                                   # "textiles"
    sector_for_ciiu("1410", available=questionnaires)          # "general" if no textiles module

The rules are read and validated once (cached); a broken file raises `QuestionnaireError` whose
problems name the file and the line.
"""
from __future__ import annotations

import csv
import functools
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from maturity.questionnaires.problems import FileProblem, QuestionnaireError
from maturity.questionnaires.profile import SECTORS
from maturity.questionnaires.schema import QUESTIONNAIRES_DIR

GENERAL = "general"
CIIU_FILE = "ciiu.csv"
CIIU_PATH = QUESTIONNAIRES_DIR / CIIU_FILE
COLUMNS = ("code", "sector", "description")
CODE_LENGTHS = {5: "SUNAT Rev.3-based", 4: "CIIU Rev.4"}

_RULE = re.compile(r"^[0-9]+x*$")
_CODE = re.compile(r"^[0-9]{4,5}$")


@dataclass(frozen=True, slots=True)
class CiiuRule:
    """One line of the file: codes of `len(pattern)` digits starting with `prefix` → `sector`."""

    pattern: str        # e.g. "181xx"
    sector: str
    description: str
    line: int

    @property
    def prefix(self) -> str:
        """The digits before the wildcards."""
        return self.pattern.rstrip("x")


class CiiuMap:
    """The validated rules, indexed by (code length, prefix) for a lookup per prefix length."""

    def __init__(self, rules: Collection[CiiuRule], source: str = CIIU_FILE) -> None:
        self.rules = tuple(rules)
        self.source = source
        self._by_key: Mapping[tuple[int, str], CiiuRule] = {
            (len(r.pattern), r.prefix): r for r in self.rules}

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[CiiuRule]:
        return iter(self.rules)

    def rule_for(self, code: str | None) -> CiiuRule | None:
        """The most specific rule matching `code` (normalised), or None."""
        digits = normalise(code)
        if digits is None:
            return None
        for end in range(len(digits), 0, -1):
            rule = self._by_key.get((len(digits), digits[:end]))
            if rule is not None:
                return rule
        return None

    def sector_for(self, code: str | None, available: Collection[str] | None = None) -> str:
        """The sector of `code`; `general` when unknown, or when `available` lacks the sector."""
        rule = self.rule_for(code)
        sector = rule.sector if rule is not None else GENERAL
        if available is not None and sector not in available:
            return GENERAL
        return sector


def normalise(code: str | None) -> str | None:
    """The code's digits (spaces removed) if it is a 4- or 5-digit code, else None."""
    if not isinstance(code, str):
        return None
    digits = "".join(code.split())
    return digits if _CODE.match(digits) else None


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every line that is neither blank nor a # comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, next(csv.reader([line]))


def _rule_problem(fields: list[str]) -> str | None:
    if len(fields) != len(COLUMNS):
        return f"expected {len(COLUMNS)} fields ({', '.join(COLUMNS)}), got {len(fields)}"
    pattern, sector, description = (f.strip() for f in fields)
    if not _RULE.match(pattern) or len(pattern) not in CODE_LENGTHS:
        return (f"code '{pattern}' is malformed: write 4 or 5 characters, digits then optional "
                "'x' wildcards (e.g. 181xx, 1410)")
    if sector not in SECTORS:
        return f"sector '{sector}' is not a sector id (one of: {', '.join(SECTORS)})"
    if not description:
        return "the description is empty: say which activities the rule covers"
    return None


def parse_ciiu(text: str, source: str = CIIU_FILE) -> CiiuMap:
    """Validate the text of a rules file; raise QuestionnaireError naming the file and line."""
    problems: list[FileProblem] = []
    rules: list[CiiuRule] = []
    seen: dict[str, int] = {}
    rows = _rows(text)
    header = next(rows, None)
    if header is None or tuple(f.strip() for f in header[1]) != COLUMNS:
        where = f"line {header[0]}: " if header else ""
        problems.append(FileProblem(source, None, f"{where}the first row must be the header "
                                                  f"{','.join(COLUMNS)}"))
    for number, fields in rows:
        problem = _rule_problem(fields)
        if problem:
            problems.append(FileProblem(source, None, f"line {number}: {problem}"))
            continue
        pattern, sector, description = (f.strip() for f in fields)
        if pattern in seen:
            problems.append(FileProblem(source, None, f"line {number}: code '{pattern}' is "
                                                      f"already mapped on line {seen[pattern]}"))
            continue
        seen[pattern] = number
        rules.append(CiiuRule(pattern, sector, description, number))
    if problems:
        raise QuestionnaireError(problems)
    return CiiuMap(rules, source)


def read_ciiu(path: str | Path = CIIU_PATH) -> CiiuMap:
    """Read and validate a rules file (uncached: `questionnaires check` uses this)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([FileProblem(path.name, None, f"cannot read the file: {exc!r}")]) from None
    return parse_ciiu(text, path.name)


@functools.cache
def load_ciiu(path: Path = CIIU_PATH) -> CiiuMap:
    """The rules of `path` (default: the repository's questionnaires/ciiu.csv), read once."""
    return read_ciiu(path)


def sector_for_ciiu(code: str | None, available: Collection[str] | None = None) -> str:
    """The questionnaire sector for a CIIU code, by the shipped rules.

    `code` is normalised (spaces removed; 4 digits = CIIU Rev.4, 5 = SUNAT's Rev.3-based code);
    anything else, or a code no rule covers, gives `general`. With `available` (questionnaire ids,
    or a QuestionnaireSet: only `in` is used), a sector without a questionnaire gives `general`.
    """
    return load_ciiu().sector_for(code, available)
