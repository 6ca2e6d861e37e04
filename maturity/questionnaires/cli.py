"""Check the questionnaire files from the command line (wrapped as `flask questionnaires check`)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from maturity.questionnaires.ciiu import CIIU_FILE, CiiuMap, read_ciiu
from maturity.questionnaires.loader import load_questionnaires
from maturity.questionnaires.model import Questionnaire
from maturity.questionnaires.problems import QuestionnaireError
from maturity.questionnaires.schema import QUESTIONNAIRES_DIR, SCHEMA_PATH, write_json_schema

PLANS_SUBDIR = "plans"       # the plan files (actions, programmes): maturity.plans
DEFAULT_MAX_AGE_DAYS = 400   # PROGRAMME_MAX_AGE_DAYS: older programme entries are reported stale


def summary_line(questionnaire: Questionnaire) -> str:
    """One line per composed questionnaire: id, version, item counts, empty dimensions."""
    items = questionnaire.items
    profile = sum(not i.scored for i in items)
    empty = [d for d, group in questionnaire.dimension_items.items() if not group]
    line = (f"{questionnaire.id}: {questionnaire.version}, {len(items) - profile} scored items, "
            f"{profile} profile items")
    return line + (f"; no items in {', '.join(empty)}" if empty else "")


def ciiu_summary_line(mapping: CiiuMap) -> str:
    """One line for the CIIU rules: how many, per code length, and how many sectors they reach."""
    by_length = {n: sum(len(r.pattern) == n for r in mapping) for n in (5, 4)}
    sectors = len({r.sector for r in mapping})
    return (f"{mapping.source}: {len(mapping)} rules ({by_length[5]} for 5-digit SUNAT codes, "
            f"{by_length[4]} for 4-digit CIIU Rev.4) into {sectors} sectors")


def check(directory: str | Path | None = None, max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> tuple[bool, list[str]]:
    """Load the files: (True, one summary line per questionnaire) or (False, the problems).

    The CIIU rules (`ciiu.csv`) are checked too: required in the repository's directory,
    optional in another one (test fixtures need not carry them). So are the plan files in
    `plans/` (maturity.plans): a programme verified more than `max_age_days` ago is a warning
    line, not a failure.
    """
    lines, problems = [], []
    try:
        lines = [summary_line(q) for q in load_questionnaires(directory)]
    except QuestionnaireError as exc:
        problems += exc.problems
    plans = Path(directory or QUESTIONNAIRES_DIR) / PLANS_SUBDIR
    if directory is None or plans.is_dir():
        from maturity.plans.check import check_plans  # here: maturity.plans builds on this package

        try:
            loaded = load_questionnaires(directory)
        except QuestionnaireError:
            loaded = None  # reported above; the plan files are still checked on their own
        plan_lines, plan_problems = check_plans(plans, loaded, max_age_days=max_age_days)
        lines += plan_lines
        problems += plan_problems
    ciiu = Path(directory or QUESTIONNAIRES_DIR) / CIIU_FILE
    if directory is None or ciiu.exists():
        try:
            lines.append(ciiu_summary_line(read_ciiu(ciiu)))
        except QuestionnaireError as exc:
            problems += exc.problems
    return (False, [str(p) for p in problems]) if problems else (True, lines)


def main(argv: list[str] | None = None) -> int:
    """Print the problems and return 1, or a summary per questionnaire and return 0."""
    parser = argparse.ArgumentParser(prog="python -m maturity.questionnaires",
                                     description="Validate the questionnaire files.")
    parser.add_argument("directory", nargs="?", help="default: the repository's questionnaires/")
    parser.add_argument("--write-schema", action="store_true",
                        help=f"also (re)write the JSON Schema to {SCHEMA_PATH}")
    parser.add_argument("--programme-max-age-days", type=int, default=DEFAULT_MAX_AGE_DAYS,
                        help="warn about programmes verified longer ago than this (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.write_schema:
        print(f"wrote {write_json_schema()}")
    ok, lines = check(args.directory, args.programme_max_age_days)
    stream = sys.stdout if ok else sys.stderr
    for line in lines:
        print(line, file=stream)
    return 0 if ok else 1
