"""Which support programmes a firm can use, why, and which one step would open the others.

Rules (programmes.md, "Matching rules to honour"), applied to the registry's eligibility data:

- a `closed` programme is never shown; `check` ones carry a warning with their `last_verified`
  date, and so does any entry verified longer ago than PROGRAMME_MAX_AGE_DAYS;
- gates, each from `eligibility`: size (Ley 30056; large firms never enter MYPE programmes),
  sector, RUC, e-invoicing, export (`exporter`: exports now; `exporter_or_intent`: exports or
  declares the intent), group (association / cooperative / cluster; `min_firms` is told), years
  operating, innovation (a dimension at a level);
- `skip_if` true (the firm already uses it, e.g. already issues CPE) → not shown;
- eligible and useful (one of its dimensions is applicable and below level 4, or not scored yet)
  → recommended, with the reason built from the gates it passed and the gap it addresses (the
  most pressing of its dimensions: those in the plan's actions first, then gap × weight);
- failing only ONE step a firm can take — get a RUC, start issuing CPE (with a RUC already), join
  a group — → "unlockable": the programme and that step (a firm that works alone is told what
  joining a group opens; the group size PAC needs is said). Two steps away (no RUC and no CPE)
  or a hard gate (size, sector, export, years) → not shown at all;
- a `fallback` programme (the Red CITE as a whole) is shown only when no other programme of its
  kind (a sector CITE) is;
- order: for a firm without a RUC, formalisation first (SUNAT CPE, then Tu Empresa: registry
  order); then by the priority of the gap (gap × sector weight), then registry order;
- the reason names the size only for programmes limited to MYPE (micro and small), and says
  "you do not have a RUC yet" for formalisation programmes, "you do not need a RUC to start"
  for the others open to informal firms.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from maturity.plans.content import PlanContent
from maturity.plans.facts import Facts
from maturity.plans.inputs import PlanInput
from maturity.plans.schema import Programme
from maturity.plans.texts import compose_reason, date_text, join_texts, step_text
from maturity.questionnaires.conditions import evaluate
from maturity.questionnaires.schema import DIMENSION_IDS, I18nText

NOT_APPLICABLE = "not_applicable"
TOP_USEFUL_LEVEL = 4   # a dimension at plan level 4 (score ≥ 80) needs no programme
RUC, E_INVOICING, GROUP = "ruc", "e_invoicing", "group"
FORMALISATION = "formalisation"
MYPE = frozenset({"micro", "small"})


@dataclass(frozen=True, slots=True)
class ProgrammeMatch:
    """A programme the firm can use now."""

    programme: Programme
    gap: str                      # the dimension it addresses
    reason: I18nText              # why the firm qualifies
    warning: I18nText | None      # status check, stale date, or the programme's own warning
    stale: bool
    priority: float


@dataclass(frozen=True, slots=True)
class Unlockable:
    """A programme one step away, and that step."""

    programme: Programme
    step: str                     # ruc | e_invoicing | group
    text: I18nText
    gap: str


@dataclass(frozen=True, slots=True)
class _Gates:
    clauses: tuple[tuple[str, dict[str, object]], ...]
    hard: tuple[str, ...]
    steps: tuple[str, ...]


def gap_value(dimension) -> float:
    """How far a dimension is from the top, in ladder levels (0–5); unscored counts as 0."""
    return (100 - dimension.score) / 20 if dimension.score is not None else 0.0


def _gates(programme: Programme, facts: Facts, plan_input: PlanInput) -> _Gates:
    e = programme.eligibility
    clauses: list[tuple[str, dict[str, object]]] = []
    hard: list[str] = []
    steps: list[str] = []
    if e.sizes is not None and facts.size is not None:
        if facts.size not in e.sizes:
            hard.append("size")
        elif set(e.sizes) <= MYPE:   # said only where it decides: a programme for MYPE alone
            clauses.append((facts.size, {}))
    if e.sectors is not None:
        if facts.sector in e.sectors:
            clauses.append(("sector", {}))
        else:
            hard.append("sector")
    if e.needs_ruc:
        if facts.has_ruc:
            clauses.append(("has_ruc", {}))
        else:
            steps.append(RUC)
    elif facts.has_ruc is False:
        clauses.append(("no_ruc" if programme.kind == FORMALISATION else "no_ruc_needed", {}))
    if e.needs_e_invoicing:
        if facts.e_invoicing:
            clauses.append(("e_invoicing", {}))
        else:
            steps.append(E_INVOICING)
    if e.export is not None:
        if facts.exports:
            clauses.append(("exporter", {}))
        elif e.export == "exporter_or_intent" and facts.export_intent:
            clauses.append(("export_intent", {}))
        else:
            hard.append("export")
    if e.association:
        if facts.association in e.association:
            clauses.append((facts.association, {}))
        else:
            steps.append(GROUP)
    if e.min_years is not None and facts.years is not None:
        if facts.years >= e.min_years:
            clauses.append(("years", {"years": str(e.min_years)}))
        else:
            hard.append("years")
    if e.max_years is not None:
        if facts.years is not None and facts.years <= e.max_years:
            clauses.append(("young", {"years": str(e.max_years)}))
        else:
            hard.append("years")
    if e.any_min_level:
        if any((d := plan_input.dimension(dim)) is not None and d.scored and d.level >= level
               for dim, level in e.any_min_level.items()):
            clauses.append(("innovation", {}))
        else:
            hard.append("innovation")
    return _Gates(tuple(clauses), tuple(hard), tuple(steps))


def _centre_clause(programme: Programme, facts: Facts) -> tuple[str, dict[str, object]] | None:
    if not programme.centres:
        return None
    here = [c.place for c in programme.centres if c.department == facts.department]
    if here:
        return "centre_here", {"place": list(dict.fromkeys(here))}
    return "centres", {"places": list(dict.fromkeys(c.place for c in programme.centres))}


def _gap(programme: Programme, plan_input: PlanInput, planned: Collection[str]) -> tuple[str, float] | None:
    """The most pressing of the programme's dimensions, and its priority; None if none needs help."""
    best: tuple[tuple[int, float, int], str, float] | None = None
    for dimension_id in programme.dimensions:
        d = plan_input.dimension(dimension_id)
        if d is None or d.state == NOT_APPLICABLE or (d.scored and d.level >= TOP_USEFUL_LEVEL):
            continue
        priority = gap_value(d) * d.weight
        key = (int(dimension_id in planned), priority, -DIMENSION_IDS.index(dimension_id))
        if best is None or key > best[0]:
            best = (key, dimension_id, priority)
    return None if best is None else (best[1], best[2])


def _skipped(programme: Programme, plan_input: PlanInput) -> bool:
    return programme.skip_if is not None and evaluate(programme.skip_if, plan_input.firm, plan_input.answers)


def _warning(content: PlanContent, programme: Programme, stale: bool) -> I18nText | None:
    words = content.vocabulary.warnings
    when = date_text(programme.verified_on)
    parts = []
    if programme.status == "check":
        parts.append(step_text(words.check, {"date": when}))
    if stale:
        parts.append(step_text(words.stale, {"date": when}))
    if programme.warning is not None:
        parts.append(programme.warning)
    return join_texts(parts) if parts else None


def match_programmes(content: PlanContent, plan_input: PlanInput, facts: Facts, *, planned: Collection[str] = (),
                     today: date, max_age_days: int) -> tuple[tuple[ProgrammeMatch, ...], tuple[Unlockable, ...]]:
    """The programmes the firm can use (ordered) and those one step away."""
    matches: list[tuple[tuple, ProgrammeMatch]] = []
    unlockable: list[tuple[tuple, Unlockable]] = []
    vocabulary = content.vocabulary
    for index, programme in enumerate(content.programmes):
        if programme.status == "closed" or _skipped(programme, plan_input):
            continue
        gap = _gap(programme, plan_input, planned)
        if gap is None:
            continue
        gates = _gates(programme, facts, plan_input)
        if gates.hard:
            continue
        formalise = programme.kind == FORMALISATION and facts.has_ruc is not True
        key = (0, 0.0, index) if formalise else (1, -gap[1], index)
        if not gates.steps:
            clauses = list(gates.clauses)
            centre = _centre_clause(programme, facts)
            if centre is not None:
                clauses.append(centre)
            benefit = programme.benefit_informal if facts.has_ruc is False and programme.benefit_informal \
                else programme.benefit
            stale = (today - programme.verified_on).days > max_age_days
            matches.append((key, ProgrammeMatch(
                programme=programme, gap=gap[0], reason=compose_reason(vocabulary, clauses, benefit, plan_input),
                warning=_warning(content, programme, stale), stale=stale, priority=gap[1])))
        elif len(gates.steps) == 1:
            step = gates.steps[0]
            text = getattr(vocabulary.steps, step)
            if step == GROUP and programme.eligibility.min_firms:
                text = join_texts([text, step_text(vocabulary.steps.group_min_firms,
                                                   {"min_firms": str(programme.eligibility.min_firms)})])
            unlockable.append((key, Unlockable(programme=programme, step=step, text=text, gap=gap[0])))
    shown_kinds = {m.programme.kind for _, m in matches if not m.programme.eligibility.fallback}
    matches = [(k, m) for k, m in matches if not (m.programme.eligibility.fallback and m.programme.kind in shown_kinds)]
    unlockable = [(k, u) for k, u in unlockable
                  if not (u.programme.eligibility.fallback and u.programme.kind in shown_kinds)]
    return (tuple(m for _, m in sorted(matches, key=lambda pair: pair[0])),
            tuple(u for _, u in sorted(unlockable, key=lambda pair: pair[0])))
