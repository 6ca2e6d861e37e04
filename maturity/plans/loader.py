"""Load and validate the plan files of questionnaires/plans/ (pure: no Flask, no database).

`load_plan_content(directory, questionnaires=None)` reads `vocabulary.yaml`, `programmes.yaml`,
`actions.yaml` (general actions) and every `actions-<sector>.yaml`, validates each entry against
`maturity.plans.schema`, then checks what needs several entries or files:

- action and programme ids are unique (across files);
- prerequisites exist and are acyclic; a general action never requires a sector action;
- every dimension has at least one general action for every step 0→1 … 4→5;
- with `questionnaires` (a QuestionnaireSet): the items an action names exist, in the action's
  dimension, in the common core (general actions) or the sector's module; `done_if` and
  `skip_if` conditions name real fields, items and options; every sector questionnaire has at
  least MIN_SECTOR_ACTIONS sector actions.

Any problem raises PlanContentError listing every problem, each naming the file, the action or
programme id, and what is wrong. Results are cached per directory until a file changes.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from maturity.plans.content import GENERAL, PlanContent, PlanContentError, PlanProblem, index_steps
from maturity.plans.schema import SECTOR_IDS, Action, ActionsFile, Programme, ProgrammesFile, VocabularyFile
from maturity.questionnaires import conditions
from maturity.questionnaires.problems import describe
from maturity.questionnaires.reading import read_directory
from maturity.questionnaires.schema import DIMENSION_IDS, QUESTIONNAIRES_DIR

log = logging.getLogger(__name__)

PLANS_DIR = QUESTIONNAIRES_DIR / "plans"
VOCABULARY_FILE = "vocabulary.yaml"
PROGRAMMES_FILE = "programmes.yaml"
GENERAL_FILE = "actions.yaml"
SECTOR_PREFIX = "actions-"
MIN_SECTOR_ACTIONS = 5
STEPS = tuple(range(5))   # from-levels 0…4: the steps 0→1 … 4→5


def _read(directory: Path) -> tuple[dict[str, Any], list[PlanProblem]]:
    """The questionnaires' reader (duplicate keys refused, libyaml speed), its problems as plan problems."""
    docs, file_problems = read_directory(directory)
    return docs, [PlanProblem(p.file, p.item, p.message) for p in file_problems]


def _validate(kind: type[BaseModel], file: str, data: Any, entry: str | None,
              problems: list[PlanProblem]) -> Any:
    if not isinstance(data, dict):
        problems.append(PlanProblem(file, entry, "must be a mapping (key: value lines)"))
        return None
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        problems.extend(PlanProblem(file, entry, p.message) for p in describe(exc, data, file))
        return None


def _entries(kind: type[BaseModel], noun: str, file: str, raw: list[dict[str, Any]],
             problems: list[PlanProblem]) -> list[Any]:
    out = []
    for index, data in enumerate(raw):
        name = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else f"#{index + 1}"
        entry = _validate(kind, file, data, f"{noun} {name}", problems)
        if entry is not None:
            out.append(entry)
    return out


def _scope_of(file: str) -> str | None:
    if file == GENERAL_FILE:
        return GENERAL
    if file.startswith(SECTOR_PREFIX):
        return file.removeprefix(SECTOR_PREFIX).removesuffix(".yaml")
    return None


# --- cross-entry checks ------------------------------------------------------------------------

def _prerequisite_problems(actions: Mapping[str, Action], scope: Mapping[str, str],
                           files: Mapping[str, str]) -> list[PlanProblem]:
    problems = []
    for action in actions.values():
        for prerequisite in action.prerequisites:
            where = (files[action.id], f"action {action.id}")
            if prerequisite not in actions:
                problems.append(PlanProblem(*where, f"prerequisite '{prerequisite}' is not an action"))
            elif scope[prerequisite] not in (GENERAL, scope[action.id]):
                problems.append(PlanProblem(*where, f"prerequisite '{prerequisite}' belongs to sector "
                                                    f"'{scope[prerequisite]}'; only general actions and "
                                                    "actions of the same sector can be prerequisites"))
    problems += _cycles(actions, files)
    return problems


def _cycles(actions: Mapping[str, Action], files: Mapping[str, str]) -> list[PlanProblem]:
    """One problem per prerequisite cycle, naming the actions in order."""
    state: dict[str, int] = {}   # 1: on the current path, 2: done
    problems: list[PlanProblem] = []

    def visit(action_id: str, path: list[str]) -> None:
        state[action_id] = 1
        for nxt in actions[action_id].prerequisites:
            if nxt not in actions:
                continue
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                problems.append(PlanProblem(files[nxt], f"action {nxt}",
                                            "prerequisites form a cycle: " + " → ".join(cycle)))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[action_id] = 2

    for action_id in sorted(actions):
        if action_id not in state:
            visit(action_id, [action_id])
    return problems


def _coverage_problems(actions: Mapping[str, Action], scope: Mapping[str, str]) -> list[PlanProblem]:
    have = {(a.dimension, a.from_level) for a in actions.values() if scope[a.id] == GENERAL}
    return [PlanProblem(GENERAL_FILE, None, f"no general action for {d} {step}→{step + 1} "
                                            "(every dimension needs one for every step)")
            for d in DIMENSION_IDS for step in STEPS if (d, step) not in have]


def _item_problems(actions: Mapping[str, Action], scope: Mapping[str, str], files: Mapping[str, str],
                   programmes: list[Programme], questionnaires: Any) -> list[PlanProblem]:
    problems = []
    general = questionnaires.get(GENERAL)
    for action in actions.values():
        where = (files[action.id], f"action {action.id}")
        questionnaire = questionnaires.get(scope[action.id])
        if questionnaire is None:
            if action.items or action.done_if:
                problems.append(PlanProblem(*where, f"there is no questionnaire '{scope[action.id]}' to check "
                                                    "its items against"))
            continue
        for item_id in action.items:
            module = item_id.split(".")[0]
            if item_id not in questionnaire or module not in ("common", scope[action.id]):
                owner = "the common core" if scope[action.id] == GENERAL else f"the common core or {scope[action.id]}"
                problems.append(PlanProblem(*where, f"item '{item_id}' is not an item of {owner}"))
            elif questionnaire.item(item_id).dimension != action.dimension:
                problems.append(PlanProblem(*where, f"item '{item_id}' belongs to "
                                                    f"{questionnaire.item(item_id).dimension}, not {action.dimension}"))
        problems += [PlanProblem(*where, f"done_if: {m}") for m in _condition_problems(action.done_if, questionnaire)]
    for programme in programmes:
        problems += [PlanProblem(PROGRAMMES_FILE, f"programme {programme.id}", f"skip_if: {m}")
                     for m in _condition_problems(programme.skip_if, general)]
    counts = {s: sum(scope[a] == s for a in actions) for s in SECTOR_IDS}
    problems += [PlanProblem(f"{SECTOR_PREFIX}{q.id}.yaml", None,
                             f"sector '{q.id}' has {counts.get(q.id, 0)} sector actions; it needs at least "
                             f"{MIN_SECTOR_ACTIONS} for its own items")
                 for q in questionnaires if q.id != GENERAL and counts.get(q.id, 0) < MIN_SECTOR_ACTIONS]
    return problems


def _condition_problems(condition: Any, questionnaire: Any) -> list[str]:
    if condition is None or questionnaire is None:
        return []
    options = {item.id: tuple(o.id for o in item.options) for item in questionnaire.items}
    return conditions.check(condition, earlier=options, known_items=options.keys())


def _programme_problems(programmes: list[Programme], today: date) -> list[PlanProblem]:
    problems = []
    seen: set[str] = set()
    kinds_with_fallback = {p.kind for p in programmes if p.eligibility.fallback}
    for programme in programmes:
        where = (PROGRAMMES_FILE, f"programme {programme.id}")
        if programme.id in seen:
            problems.append(PlanProblem(*where, "id is already used earlier in this file"))
        seen.add(programme.id)
        if programme.verified_on > today:
            problems.append(PlanProblem(*where, f"last_verified {programme.last_verified} is in the future"))
        if len(set(programme.dimensions)) != len(programme.dimensions):
            problems.append(PlanProblem(*where, "dimensions lists a dimension twice"))
    for kind in kinds_with_fallback:
        if sum(p.kind == kind and p.eligibility.fallback for p in programmes) > 1:
            problems.append(PlanProblem(PROGRAMMES_FILE, None, f"kind '{kind}' has more than one fallback programme"))
    return problems


# --- putting it together -----------------------------------------------------------------------

def build(docs: Mapping[str, Any], problems: list[PlanProblem] | None = None, *,
          questionnaires: Any = None, today: date | None = None) -> PlanContent:
    """Validate parsed plan files ({file name: YAML data}); raise PlanContentError."""
    problems = list(problems or [])
    today = today or date.today()
    unreadable = {p.file for p in problems}
    for name in (VOCABULARY_FILE, PROGRAMMES_FILE, GENERAL_FILE):
        if name not in docs and name not in unreadable:
            problems.append(PlanProblem(name, None, "the file is missing"))
    vocabulary = _validate(VocabularyFile, VOCABULARY_FILE, docs[VOCABULARY_FILE], None, problems) \
        if VOCABULARY_FILE in docs else None
    registry = _validate(ProgrammesFile, PROGRAMMES_FILE, docs[PROGRAMMES_FILE], None, problems) \
        if PROGRAMMES_FILE in docs else None
    programmes = _entries(Programme, "programme", PROGRAMMES_FILE, registry.programmes, problems) if registry else []
    actions: dict[str, Action] = {}
    scope: dict[str, str] = {}
    files: dict[str, str] = {}
    versions = []
    for name in sorted(docs, key=lambda n: (n != GENERAL_FILE, n)):
        if name in (VOCABULARY_FILE, PROGRAMMES_FILE):
            continue
        expected = _scope_of(name)
        if expected is None:
            problems.append(PlanProblem(name, None, f"unknown file: plan files are {VOCABULARY_FILE}, "
                                                    f"{PROGRAMMES_FILE}, {GENERAL_FILE} and {SECTOR_PREFIX}<sector>.yaml"))
            continue
        header = _validate(ActionsFile, name, docs[name], None, problems)
        if header is None:
            continue
        if header.scope != expected:
            problems.append(PlanProblem(name, None, f"scope '{header.scope}' must match the file name "
                                                    f"(expected scope: {expected})"))
        if expected != GENERAL and expected not in SECTOR_IDS:
            problems.append(PlanProblem(name, None, f"'{expected}' is not a sector id (one of: {', '.join(SECTOR_IDS)})"))
        versions.append(f"{expected}@{header.version}")
        for action in _entries(Action, "action", name, header.actions, problems):
            if action.id in actions:
                where = "earlier in this file" if files[action.id] == name else f"in {files[action.id]}"
                problems.append(PlanProblem(name, f"action {action.id}", f"id is already used {where}"))
                continue
            actions[action.id], scope[action.id], files[action.id] = action, expected, name
    problems += _prerequisite_problems(actions, scope, files)
    problems += _coverage_problems(actions, scope) if GENERAL_FILE in docs else []
    problems += _programme_problems(programmes, today)
    if questionnaires is not None:
        problems += _item_problems(actions, scope, files, programmes, questionnaires)
    if problems or vocabulary is None or registry is None:
        raise PlanContentError(list(dict.fromkeys(problems)))
    return PlanContent(
        vocabulary=vocabulary, actions=actions, scope=scope, files=files, programmes=tuple(programmes),
        version="+".join([*versions, f"programmes@{registry.version}", f"vocabulary@{vocabulary.version}"]),
        _by_step=index_steps(actions, scope))


# (directory, id of the questionnaire set) → (file signature, the set itself, content). The set is
# kept so its id cannot be reused by another object while the entry lives.
_cache: dict[tuple[Path, int | None], tuple[tuple[Any, ...], Any, PlanContent]] = {}


def load_plan_content(directory: str | Path | None = None, questionnaires: Any = None,
                      today: date | None = None) -> PlanContent:
    """Load the plan files of `directory` (default: the repository's questionnaires/plans/).

    Raises PlanContentError with every problem found. Cached until a file changes (per
    directory and questionnaire set).
    """
    path = Path(directory or PLANS_DIR).resolve()
    if not path.is_dir():
        raise PlanContentError([PlanProblem(str(path), None, "the directory does not exist")])
    signature = tuple((f.name, s.st_mtime_ns, s.st_size) for f in sorted(path.glob("*.yaml")) for s in (f.stat(),))
    key = (path, None if questionnaires is None else id(questionnaires))
    cached = _cache.get(key)
    if cached is not None and cached[0] == signature and today is None:
        return cached[2]
    started = time.perf_counter()
    docs, problems = _read(path)
    content = build(docs, problems, questionnaires=questionnaires, today=today)
    if today is None:
        _cache[key] = (signature, questionnaires, content)
    log.info("loaded %d actions and %d programmes from %s in %.1f ms", len(content.actions),
             len(content.programmes), path, (time.perf_counter() - started) * 1000)
    return content
