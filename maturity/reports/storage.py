"""Where plan PDFs live: STORAGE_DIR/plans/<assessment id>/<lang>-<plan version>-<content hash>.pdf.

Outside static/ and served only through the authorised route. The name carries everything the
document depends on, so a changed plan, template, stylesheet or font gives a new name and an old
file is never served for a new plan. Files are written whole (temporary sibling + os.replace);
only the exact final name is ever served, so a render killed half-way leaves nothing readable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PLANS_DIR = "plans"
#: The job that draws a plan (run by `maturity.jobs` in a process of its own).
RENDER_JOB = "maturity.reports.storage:render_into_store"
_HEX = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class PlanKey:
    """What one stored PDF is: assessment, language, plan version, content hash."""

    assessment_id: int
    lang: str
    plan_version: str
    content_hash: str

    def __post_init__(self) -> None:
        if self.lang not in ("es", "en") or not (_HEX.match(self.plan_version) and _HEX.match(self.content_hash)):
            raise ValueError("bad plan key")

    @property
    def job_name(self) -> str:
        """One render per key at a time: the job queue deduplicates on this name."""
        return f"plan-pdf:{self.assessment_id}:{self.lang}:{self.plan_version}:{self.content_hash}"

    def path(self, storage_dir: str | Path) -> Path:
        name = f"{self.lang}-{self.plan_version}-{self.content_hash}.pdf"
        return Path(storage_dir) / PLANS_DIR / str(int(self.assessment_id)) / name


def sweep_partial(target: Path) -> int:
    """Remove temporary files a killed render left beside `target`; return how many."""
    removed = 0
    for tmp in target.parent.glob(f"{target.name}.*.tmp") if target.parent.is_dir() else ():
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed


def prune_older(target: Path) -> None:
    """Drop the older PDFs of the same assessment and language (a newer plan replaced them)."""
    lang = target.name.split("-", 1)[0]
    for old in target.parent.glob(f"{lang}-*.pdf"):
        if old != target:
            old.unlink(missing_ok=True)


def render_into_store(html: str, target: str) -> None:
    """The render job: draw the PDF, store it atomically, then forget older versions."""
    from maturity.reports.pdf import write_pdf_file  # WeasyPrint is loaded only where a PDF is drawn

    write_pdf_file(html, target)
    prune_older(Path(target))


def remove_plans(storage_dir: str | Path, assessment_id: int) -> None:
    """Delete every stored PDF of an assessment (for account or firm deletion)."""
    folder = Path(storage_dir) / PLANS_DIR / str(int(assessment_id))
    if folder.is_dir():
        for f in folder.iterdir():
            f.unlink(missing_ok=True)
        folder.rmdir()
