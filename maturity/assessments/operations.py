"""Writes for assessments: start, save answers (the autosave protocol), submit.

The autosave protocol (contracts.md, reliability_security.md §4.1–4.3), in one transaction:
1. a batch whose Idempotency-Key was already accepted replays its stored result (never applied twice);
2. every answer is validated first; a bad batch changes nothing;
3. a batch based on an older version that touches an item written since (by anyone, with a different
   value) is refused with 409 and the current answers; batches touching other items merge;
4. accepted answers are written with their level snapshot, the assessment version goes up by one,
   and the receipt is stored. The transaction is `BEGIN IMMEDIATE` on SQLite and holds a row lock
   on the assessment on PostgreSQL, so concurrent batches apply one after the other.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, bindparam, func, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError

from maturity.assessments.models import Answer, Assessment, DimensionScore, SaveReceipt
from maturity.database import write_intent, writing
from maturity.extensions import db
from maturity.questionnaires.model import DK, NA, Questionnaire
from maturity.questionnaires.visibility import walk
from maturity.scoring import score, validate_answers
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)

NOTE_MAX = 2000
EVIDENCE_MAX = 2000


@dataclass
class SaveOutcome:
    version: int
    replay: bool = False
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    problems: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    frozen: bool = False


@dataclass
class SubmitOutcome:
    submitted_now: bool
    missing: list[str] = field(default_factory=list)


# What a questionnaire page shows of each answer, read as plain rows: a page view loads every answer
# of the assessment and changes none, so it needs no ORM objects (built once, bound per request).
_PAGE_ANSWERS = select(Answer.item_id, Answer.option, Answer.note, Answer.evidence, Answer.needs_confirmation) \
    .where(Answer.assessment_id == bindparam("assessment_id"))


def page_answers(assessment_id: int) -> dict[str, Any]:
    """{item id: row with option, note, evidence, needs_confirmation} of every stored answer, cleared
    ones included (a note can outlive its option)."""
    return {row.item_id: row for row in db.session.execute(_PAGE_ANSWERS, {"assessment_id": assessment_id})}


def answers_of(assessment: Assessment) -> dict[str, Any]:
    """{item id: option id | [option ids]} of the answers given (cleared ones left out)."""
    return {a.item_id: a.option for a in assessment.answers if a.option is not None}


def start_assessment(firm, user, questionnaire: Questionnaire, previous: Assessment | None = None,
                     mode: str = "self") -> Assessment:
    """Open a draft for `firm`; with `previous`, copy its answers that still fit, each to be confirmed."""
    assessment = Assessment(firm_id=firm.id, questionnaire_id=questionnaire.id, mode=mode,
                            questionnaire_version=questionnaire.version, created_by_id=user.id,
                            based_on_id=previous.id if previous else None)
    db.session.add(assessment)
    if previous is not None:
        for old in previous.answers:
            if old.option is None or old.item_id not in questionnaire:
                continue
            if validate_answers(questionnaire, {old.item_id: old.option}):
                continue  # the option no longer exists: ask again
            item = questionnaire.item(old.item_id)
            assessment.answers.append(Answer(item_id=old.item_id, option=old.option, level=_level(item, old.option),
                                             note=old.note, evidence=old.evidence, needs_confirmation=True,
                                             updated_by_id=user.id))
    db.session.commit()
    log.info("user %s started assessment %s (%s) for firm %s", user.id, assessment.id, questionnaire.version, firm.id)
    return assessment


def _level(item, option: Any) -> float | None:
    """The level snapshot stored with an answer (dk → 0, na and profile items → None)."""
    if not item.scored or option in (NA, [NA]):
        return None
    if option in (DK, [DK]):
        return 0.0
    if item.type == "single":
        chosen = item.option(option)
        return float(chosen.level) if chosen is not None and chosen.level is not None else None
    ticked = [option] if isinstance(option, str) else list(option)
    if ticked == ["none"]:
        return 0.0
    return sum(item.option(o).weight or 0.0 for o in ticked) / item.practice_weight * 5


def _clean_text(value: Any, limit: int) -> tuple[str | None, bool]:
    """(text or None, ok). Control characters other than newlines and tabs are refused."""
    if value is None:
        return None, True
    if not isinstance(value, str) or len(value) > limit:
        return None, False
    if any(ord(c) < 32 and c not in "\n\t\r" for c in value):
        return None, False
    return value.strip() or None, True


def parse_batch(questionnaire: Questionnaire, raw: Any) -> tuple[dict[str, dict[str, Any]], list]:
    """Validate a batch `{item: {option, note, evidence}}`; return (clean batch, problems)."""
    problems: list[tuple[str, str, dict[str, Any]]] = []
    if not isinstance(raw, Mapping) or not raw:
        return {}, [("answers", "wrong_type", {"expected": "object"})]
    clean: dict[str, dict[str, Any]] = {}
    options = {}
    for item_id, entry in raw.items():
        field_ = f"answers.{item_id}"
        if not isinstance(entry, Mapping) or set(entry) - {"option", "note", "evidence"}:
            problems.append((field_, "wrong_type", {"expected": "object"}))
            continue
        note, ok_note = _clean_text(entry.get("note"), NOTE_MAX)
        evidence, ok_evidence = _clean_text(entry.get("evidence"), EVIDENCE_MAX)
        if not ok_note:
            problems.append((f"{field_}.note", "wrong_type", {"expected": "string"}))
        if not ok_evidence:
            problems.append((f"{field_}.evidence", "wrong_type", {"expected": "string"}))
        option = entry.get("option")
        if option == []:
            option = None
        if "option" in entry:
            options[item_id] = option
        clean[item_id] = {"option": option, "note": note, "evidence": evidence, "has_option": "option" in entry,
                          "has_note": "note" in entry, "has_evidence": "evidence" in entry}
    problems += [(p.field, p.code, dict(p.params)) for p in validate_answers(questionnaire, options)]
    return clean, problems


def save_answers(assessment: Assessment, user, questionnaire: Questionnaire, key: str,
                 base_version: int, raw_answers: Any, page: str | None = None) -> SaveOutcome:
    """Apply one autosave batch by the protocol above (it commits or rolls back itself).

    `page` is where the client is, remembered so a closed tab resumes there. In a `reads_first`
    request the batch is checked before the write transaction opens, and the transaction holds the
    writer's turn only for the protocol's reads and writes below.
    """
    user_id = user.id  # read now: the commit that ends the read transaction expires `user`
    batch, problems = parse_batch(questionnaire, raw_answers)
    with writing(db.session):
        return _apply_batch(assessment, user_id, questionnaire, key, base_version, batch, problems, page)


# The write turn's statements, built once (building them per request cost more than running them).
_STATE = (select(Assessment.version, Assessment.status).where(Assessment.id == bindparam("assessment"))
          .with_for_update())   # PostgreSQL: the row lock that orders writers; SQLite renders no FOR UPDATE
_REPLAYED = select(SaveReceipt.result_version).where(SaveReceipt.assessment_id == bindparam("assessment"),
                                                     SaveReceipt.idempotency_key == bindparam("key"))
_TOUCHED = select(Answer.id, Answer.item_id, Answer.option, Answer.level, Answer.note, Answer.evidence,
                  Answer.version, Answer.updated_by_id).where(
    Answer.assessment_id == bindparam("assessment"), Answer.item_id.in_(bindparam("items", expanding=True)))
_UPDATE_ANSWER = update(Answer).where(Answer.id == bindparam("answer_id"))
_INSERT_ANSWER = insert(Answer)
_BUMP = update(Assessment).where(Assessment.id == bindparam("assessment")).values(
    version=bindparam("new_version"), updated_at=bindparam("now"),
    last_page=func.coalesce(bindparam("page", type_=String), Assessment.last_page))
_INSERT_RECEIPT = insert(SaveReceipt)


def _apply_batch(assessment: Assessment, user_id: int, questionnaire: Questionnaire, key: str, base_version: int,
                 batch: dict[str, dict[str, Any]], problems: list, page: str | None) -> SaveOutcome:
    # Core statements on the session's connection: this is the writer's turn, kept short (the ORM's
    # unit of work costs more than the six statements themselves). The first one begins the write
    # transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: the assessment's row lock).
    assessment_id = sa_inspect(assessment).identity[0]
    conn = db.session.connection()
    state = conn.execute(_STATE, {"assessment": assessment_id}).one()
    replayed = conn.execute(_REPLAYED, {"assessment": assessment_id, "key": key}).scalar()
    if replayed is not None:
        db.session.rollback()
        return SaveOutcome(version=replayed, replay=True)
    if state.status == "submitted":
        db.session.rollback()
        return SaveOutcome(version=state.version, frozen=True)
    if problems:
        db.session.rollback()
        return SaveOutcome(version=state.version, problems=problems)
    # Only the answers this batch touches (not the whole collection: a save stays cheap however
    # many items are answered).
    current = {row.item_id: row for row in conn.execute(_TOUCHED, {"assessment": assessment_id, "items": list(batch)})}
    conflicts = [_conflict(current[item_id]) for item_id, entry in batch.items()
                 if item_id in current and current[item_id].version > base_version
                 and _differs(current[item_id], entry)]
    if conflicts:
        db.session.rollback()
        return SaveOutcome(version=state.version, conflicts=conflicts)

    new_version = state.version + 1
    now = utcnow()
    changed, added = [], []
    for item_id, entry in batch.items():
        old = current.get(item_id)
        values = {"option": old.option if old else None, "level": old.level if old else None,
                  "note": old.note if old else None, "evidence": old.evidence if old else None}
        if entry["has_option"]:  # a batch may carry only a note or evidence: the answer stays
            values["option"] = entry["option"]
            values["level"] = None if entry["option"] is None else _level(questionnaire.item(item_id), entry["option"])
        if entry["has_note"]:
            values["note"] = entry["note"]
        if entry["has_evidence"]:
            values["evidence"] = entry["evidence"]
        values.update(needs_confirmation=False, version=new_version, updated_by_id=user_id, updated_at=now)
        if old is None:
            added.append({**values, "assessment_id": assessment_id, "item_id": item_id})
        else:
            changed.append({**values, "answer_id": old.id})
    if changed:
        conn.execute(_UPDATE_ANSWER, changed)
    if added:
        conn.execute(_INSERT_ANSWER, added)
    conn.execute(_BUMP, {"assessment": assessment_id, "new_version": new_version, "now": now, "page": page})
    conn.execute(_INSERT_RECEIPT, {"assessment_id": assessment_id, "idempotency_key": key, "user_id": user_id,
                                   "result_version": new_version, "items": len(batch), "created_at": now})
    try:
        db.session.commit()
    except IntegrityError:
        # The same key raced in on another connection (PostgreSQL): the first one won; replay it.
        db.session.rollback()
        replayed = db.session.scalar(select(SaveReceipt.result_version).where(
            SaveReceipt.assessment_id == assessment_id, SaveReceipt.idempotency_key == key))
        if replayed is None:
            raise
        return SaveOutcome(version=replayed, replay=True)
    log.info("user %s saved %d answers on assessment %s (v%s)", user_id, len(batch), assessment_id, new_version)
    return SaveOutcome(version=new_version)


def _lock(assessment: Assessment) -> None:
    """Serialise writers, then read the assessment as it is now.

    PostgreSQL: a row lock, and a refresh (the row may have changed since this request read it).
    SQLite: a write request's transaction began with BEGIN IMMEDIATE, before it read anything, so
    it already holds the database's write lock and what it read is current: nothing to do.
    """
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if not postgres and db.session().in_transaction() and write_intent():
        return
    if postgres:
        # The key from the identity map: reading `assessment.id` on an expired object would load it
        # before the lock is held.
        db.session.execute(select(Assessment.id).where(Assessment.id == sa_inspect(assessment).identity[0])
                           .with_for_update())
    # On SQLite outside a transaction this read begins it (BEGIN IMMEDIATE: the write lock first).
    db.session.refresh(assessment)


def _differs(answer, entry: Mapping[str, Any]) -> bool:
    if entry["has_option"] and answer.option != entry["option"]:
        return True
    if entry["has_note"] and (answer.note or None) != entry["note"]:
        return True
    return bool(entry["has_evidence"] and (answer.evidence or None) != entry["evidence"])


def _conflict(answer) -> dict[str, Any]:
    from maturity.auth.models import User

    author = db.session.get(User, answer.updated_by_id) if answer.updated_by_id else None
    return {"item": answer.item_id, "current": {"option": answer.option, "note": answer.note, "evidence": answer.evidence},
            "updated_by": _display_name(author), "version": answer.version}


def _display_name(user) -> str | None:
    if user is None:
        return None
    local = user.email.split("@", 1)[0]
    return local[:2] + "…" if user.role == "owner" else local


def missing_items(assessment: Assessment, questionnaire: Questionnaire, profile: Mapping[str, Any]) -> list[str]:
    """Required items without an answer: every shown scored item (na and dk count as answers), and
    the sector's profile questions too, since an unanswered one would hide the items it opens."""
    answers = answers_of(assessment)
    return [item.id for item, shown, answer in walk(questionnaire, answers, profile) if shown and answer is None]


def submit_assessment(assessment: Assessment, user, questionnaire: Questionnaire) -> SubmitOutcome:
    """Freeze the assessment exactly once, even when pressed five times or retried."""
    profile = assessment.firm.profile()
    _lock(assessment)
    if assessment.submitted:
        db.session.rollback()
        return SubmitOutcome(submitted_now=False)
    missing = missing_items(assessment, questionnaire, profile)
    if missing:
        db.session.rollback()
        return SubmitOutcome(submitted_now=False, missing=missing)
    answers = answers_of(assessment)
    result = score(questionnaire, answers, profile)
    claimed = db.session.execute(
        update(Assessment).where(Assessment.id == assessment.id, Assessment.status == "draft")
        .values(status="submitted", submitted_at=utcnow(), submitted_by_id=user.id)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.rollback()
        return SubmitOutcome(submitted_now=False)
    assessment.questionnaire_version = questionnaire.version
    assessment.profile_snapshot = profile
    assessment.result_snapshot = snapshot(result)
    assessment.overall_score = result.overall.score
    assessment.overall_band = result.overall.band
    assessment.technology_score = result.index("technology").score
    assessment.management_score = result.index("management").score
    assessment.confidence = result.confidence
    for dim in result.dimensions:
        db.session.add(DimensionScore(assessment_id=assessment.id, dimension=dim.id, state=dim.state,
                                      score=dim.score, band=dim.band, coverage=round(dim.coverage, 4)))
    db.session.commit()
    db.session.refresh(assessment)
    log.info("user %s submitted assessment %s (overall %s)", user.id, assessment.id, result.overall.score)
    return SubmitOutcome(submitted_now=True)


def snapshot(result) -> dict[str, Any]:
    """What a results page needs, frozen: the API shape plus levels, targets and find-out items."""
    body = result.to_api()
    body["questionnaire"] = result.version
    body["find_out"] = list(result.find_out)
    body["levels"] = {d.id: {"level": d.level, "target": d.target} for d in result.dimensions}
    return body

