"""Load, validate and compose the questionnaire files of a directory.

`load_questionnaires()` reads `dimensions.yaml`, `common.yaml` and every other `*.yaml` (a sector
module) with a safe YAML loader, validates each file against `schema.py`, runs the checks that
need several files, composes the questionnaires and returns a `QuestionnaireSet`. Any problem
raises `QuestionnaireError` listing *every* problem found, each naming its file and item.
Results are cached per directory until a file changes (the set is immutable, so sharing it is
harmless).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from maturity.questionnaires import conditions
from maturity.questionnaires.compose import GENERAL, build_items, compose
from maturity.questionnaires.model import DimensionModel, Questionnaire, QuestionnaireSet
from maturity.questionnaires.problems import FileProblem, QuestionnaireError, describe
from maturity.questionnaires.profile import SECTORS
from maturity.questionnaires.reading import read_directory
from maturity.questionnaires.schema import QUESTIONNAIRES_DIR, DimensionsFile, ModuleFile, ProfileItem

log = logging.getLogger(__name__)

DIMENSIONS_FILE = "dimensions.yaml"
CORE_ID = "common"
CORE_FILE = f"{CORE_ID}.yaml"


# --- per-file validation -----------------------------------------------------------------------

def _validate(kind: type[DimensionsFile] | type[ModuleFile], name: str, data: Any,
              problems: list[FileProblem]) -> Any:
    if not isinstance(data, dict):
        problems.append(FileProblem(name, None, "the file must hold a mapping (key: value lines)"))
        return None
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        problems.extend(describe(exc, data, name))
        return None


def _check_module(name: str, module: ModuleFile, model: DimensionModel) -> list[FileProblem]:
    """What one module file must agree on with its name and with dimensions.yaml."""
    out = []

    def problem(message: str, item: str | None = None) -> None:
        out.append(FileProblem(name, item, message))

    stem = name.removesuffix(".yaml")
    if module.id != stem:
        problem(f"id '{module.id}' must match the file name (expected {module.id}.yaml)")
    if stem == CORE_ID:
        if module.kind != "core":
            problem("common.yaml must have kind: core")
        if module.dimension_weights is not None or module.critical_dimensions is not None:
            problem("dimension_weights and critical_dimensions belong in sector modules only")
    else:
        if module.kind != "sector":
            problem("only common.yaml has kind: core; this file must have kind: sector")
        if stem not in SECTORS or stem == GENERAL:
            problem(f"'{stem}' is not a sector id (one of: "
                    f"{', '.join(s for s in SECTORS if s != GENERAL)})")
    known = ", ".join(model.dimension_ids)
    for dimension_id in module.dimension_weights or {}:
        if dimension_id not in model.dimension_ids:
            problem(f"dimension_weights: unknown dimension '{dimension_id}' (known: {known})")
    critical = [c.dimension for c in module.critical_dimensions or []]
    for dimension_id in critical:
        if dimension_id not in model.dimension_ids:
            problem(f"critical_dimensions: unknown dimension '{dimension_id}' (known: {known})")
    if len(set(critical)) != len(critical):
        problem("critical_dimensions lists a dimension twice")
    for item in module.items:
        for message in _item_problems(item, module.id, model):
            problem(message, item.id)
    return out


def _item_problems(item: Any, module_id: str, model: DimensionModel) -> list[str]:
    segments = item.id.split(".")
    problems = []
    if segments[0] != module_id:
        problems.append(f"item id must start with '{module_id}.' (the module id)")
    if isinstance(item, ProfileItem):
        if segments[1] != "profile":
            problems.append(f"a profile item id reads '{module_id}.profile.<slug>'")
        return problems
    if item.dimension not in model.dimension_ids:
        problems.append(f"unknown dimension '{item.dimension}' "
                        f"(dimensions.yaml defines {', '.join(model.dimension_ids)})")
    elif segments[1] != item.dimension.lower():
        problems.append(f"item id must read '{module_id}.{item.dimension.lower()}.<slug>' "
                        f"(its dimension, {item.dimension}, in lower case)")
    return problems


# --- cross-file checks -------------------------------------------------------------------------

def _duplicate_ids(docs: Mapping[str, Any]) -> list[FileProblem]:
    """Item ids must be unique across all files; read from the raw data so invalid files count."""
    first: dict[str, str] = {}
    problems = []
    for name, data in docs.items():
        items = data.get("items") if isinstance(data, dict) else None
        for entry in items if isinstance(items, list) else []:
            item_id = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(item_id, str):
                continue
            if item_id in first:
                where = "earlier in this file" if first[item_id] == name else f"in {first[item_id]}"
                problems.append(FileProblem(name, item_id, f"item id is already used {where}"))
            else:
                first[item_id] = name
    return problems


def _condition_problems(questionnaire: Questionnaire, files: Mapping[str, str]) -> list[FileProblem]:
    """Every `applies_if` must name known fields, earlier items and options those items have."""
    earlier: dict[str, tuple[str, ...]] = {}
    known = questionnaire.items_by_id.keys()
    problems = []
    for item in questionnaire.items:
        if item.condition is not None:
            problems += [FileProblem(files[item.module], item.id, message)
                         for message in conditions.check(item.condition, earlier=earlier,
                                                         known_items=known)]
        earlier[item.id] = tuple(o.id for o in item.options)
    return problems


# --- putting it together -----------------------------------------------------------------------

def build(docs: Mapping[str, Any], problems: list[FileProblem] | None = None) -> QuestionnaireSet:
    """Validate and compose parsed files ({file name: YAML data}); raise QuestionnaireError.

    `problems` are those already found while reading (YAML errors); their files are not
    reported missing again.
    """
    problems = list(problems or [])
    unreadable = {p.file for p in problems}
    for name in (DIMENSIONS_FILE, CORE_FILE):
        if name not in docs and name not in unreadable:
            problems.append(FileProblem(name, None, "the file is missing"))
    model = None
    if DIMENSIONS_FILE in docs:
        data = _validate(DimensionsFile, DIMENSIONS_FILE, docs[DIMENSIONS_FILE], problems)
        model = DimensionModel(data) if data is not None else None
    module_docs = {n: d for n, d in docs.items() if n != DIMENSIONS_FILE}
    modules: dict[str, ModuleFile] = {}
    for name, data in module_docs.items():
        module = _validate(ModuleFile, name, data, problems)
        if module is not None:
            modules[name] = module
            problems += _check_module(name, module, model) if model else []
    problems += _duplicate_ids(module_docs)
    questionnaires = _compose_all(modules, model, problems) if model else {}
    if problems or model is None:   # no model means a problem was reported
        raise QuestionnaireError(_unique(problems))
    return QuestionnaireSet(model, questionnaires)


def _compose_all(modules: Mapping[str, ModuleFile], model: DimensionModel,
                 problems: list[FileProblem]) -> dict[str, Questionnaire]:
    core = modules.get(CORE_FILE)
    if core is None:
        return {}
    files = {m.id: name for name, m in modules.items()}
    core_items = build_items(core, model)
    out = {GENERAL: compose([core], model, [core_items])}
    for name, module in modules.items():
        if name != CORE_FILE:
            out[module.id] = compose([core, module], model, [core_items, build_items(module, model)])
    for questionnaire in out.values():
        problems += _condition_problems(questionnaire, files)
    return out


def _unique(problems: list[FileProblem]) -> list[FileProblem]:
    # A common item is checked once per composition; report each problem once.
    return list(dict.fromkeys(problems))


_cache: dict[Path, tuple[tuple[Any, ...], QuestionnaireSet]] = {}


def load_questionnaires(directory: str | Path | None = None) -> QuestionnaireSet:
    """Load the questionnaires of `directory` (default: the repository's `questionnaires/`).

    Raises QuestionnaireError with every problem found. Cached until a file changes.
    """
    path = Path(directory or QUESTIONNAIRES_DIR).resolve()
    if not path.is_dir():
        raise QuestionnaireError([FileProblem(str(path), None, "the directory does not exist")])
    signature = tuple((f.name, s.st_mtime_ns, s.st_size)
                      for f in sorted(path.glob("*.yaml")) for s in (f.stat(),))
    cached = _cache.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    started = time.perf_counter()
    result = build(*read_directory(path))
    _cache[path] = (signature, result)
    log.info("loaded %d questionnaires from %s in %.1f ms", len(result), path,
             (time.perf_counter() - started) * 1000)
    return result
