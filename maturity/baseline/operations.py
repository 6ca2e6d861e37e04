"""Writes for the national baseline: importing PRODUCE's Ruta Digital file."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import aliased

from maturity.baseline import ruta_digital
from maturity.baseline.models import BaselineRecord, BaselineSource
from maturity.extensions import db
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)
BATCH = 2000
RECORD_FIELDS = ("firm_hash", "test_end_date", "year", "ciiu", "sector", "person_type", "department", "province",
                 "district", "ubigeo", "level", "general", "management", "e_commerce", "data_analysis",
                 "digital_marketing", "payments", "finance", "clipped")


@dataclass
class ImportReport:
    """What an import did: rows read, added, already present, rejected (per reason, with examples)."""

    path: str
    rows_read: int = 0
    imported: int = 0
    present: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    note_examples: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    firms: int = 0           # distinct firms in the source after the import (latest tests)
    seconds: float = 0.0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def lines(self) -> list[str]:
        """The report as a person reads it."""
        out = [f"{self.path}: {self.rows_read:,} rows read in {self.seconds:.1f} s",
               f"  imported {self.imported:,}, already present {self.present:,}, rejected {self.rejected_total:,}"]
        for reason in ruta_digital.REASONS:
            if self.rejected.get(reason):
                out.append(f"  rejected, {reason}: {self.rejected[reason]:,}")
                out.extend(f"    line {line}: {detail}" for line, detail in self.examples.get(reason, []))
        for note, count in self.notes.items():
            out.append(f"  note, {note}: {count:,}")
            out.extend(f"    line {line}: {detail}" for line, detail in self.note_examples.get(note, []))
        out.append(f"  {self.firms:,} firms in the baseline (each firm's latest test counts)")
        return out


def ruta_digital_source() -> BaselineSource:
    """The Ruta Digital source row, created on first use (label, licence and credit from the module)."""
    source = db.session.scalar(select(BaselineSource).where(BaselineSource.name == ruta_digital.NAME))
    if source is None:
        source = BaselineSource(name=ruta_digital.NAME, label=ruta_digital.LABEL, licence=ruta_digital.LICENCE,
                                credit=dict(ruta_digital.CREDIT), url=ruta_digital.SOURCE_URL)
        db.session.add(source)
        db.session.flush()
    return source


def import_ruta_digital(path: str | Path, actor: str = "command line") -> ImportReport:
    """Import PRODUCE's Ruta Digital file as published; importing it again adds nothing.

    Rows are keyed on (firm hash, FECHA_FIN): a key already stored is counted as "already present".
    New rows go in with bulk INSERTs of BATCH rows, then each firm's latest test is marked.
    Raises `ruta_digital.FormatError` when the file is not a Ruta Digital export.
    """
    started = time.perf_counter()
    parsed = ruta_digital.read(path)
    source = ruta_digital_source()
    existing = {(firm, day) for firm, day in db.session.execute(
        select(BaselineRecord.firm_hash, BaselineRecord.test_end_date).where(BaselineRecord.source_id == source.id))}
    new = [r for r in parsed.records if (r["firm_hash"], r["test_end_date"]) not in existing]
    table = BaselineRecord.__table__
    for start in range(0, len(new), BATCH):
        db.session.execute(insert(table), [{"source_id": source.id, "latest": False,
                                            **{k: r[k] for k in RECORD_FIELDS}}
                                           for r in new[start:start + BATCH]])
    if new:
        _mark_latest(source.id)
    firms = db.session.scalar(select(func.count()).select_from(BaselineRecord)
                              .where(BaselineRecord.source_id == source.id, BaselineRecord.latest.is_(True)))
    report = ImportReport(path=str(path), rows_read=parsed.rows_read, imported=len(new),
                          present=len(parsed.records) - len(new), rejected=dict(parsed.rejected),
                          examples=parsed.examples, notes=dict(parsed.notes), note_examples=parsed.note_examples,
                          firms=firms or 0)
    source.file_sha256 = parsed.sha256
    source.rows_read, source.rows_imported = report.rows_read, report.imported
    source.rows_present, source.rows_rejected = report.present, report.rejected_total
    if new or source.imported_at is None:
        source.imported_at = utcnow()
    db.session.commit()
    report.seconds = time.perf_counter() - started
    log.info("%s imported %s: %s rows added, %s already present, %s rejected", actor, ruta_digital.NAME,
             report.imported, report.present, report.rejected_total)
    return report


def _mark_latest(source_id: int) -> None:
    """latest = this row is its firm's test with the greatest end date (one SQL statement)."""
    other = aliased(BaselineRecord)
    newest = (select(func.max(other.test_end_date))
              .where(other.source_id == BaselineRecord.source_id, other.firm_hash == BaselineRecord.firm_hash)
              .scalar_subquery())
    db.session.execute(update(BaselineRecord).where(BaselineRecord.source_id == source_id)
                       .values(latest=BaselineRecord.test_end_date == newest)
                       .execution_options(synchronize_session=False))
