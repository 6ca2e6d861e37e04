"""Database size per submitted assessment (docs/scaling.md): SQLite always, PostgreSQL when
BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a throwaway database (its tables are dropped).

Each owner: an account, a firm, a draft answered in autosave batches of 6 answers with a 40-character
note on one item in five, then submitted (scores, plan snapshot). The figure is the growth of the
database (SQLite: file size after a checkpoint; PostgreSQL: pg_database_size after VACUUM) divided by
the number of assessments, so indexes, receipts and the frozen copies on submission are included.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.report import Figure
from benchmarks.server import ROOT

N = 300
SEED = r"""
import json, sys, uuid
from sqlalchemy import text
from maturity import create_app
from maturity.extensions import db
from maturity.auth.models import User
from maturity.content import questionnaires
from maturity.firms.models import Firm, FirmMember
from maturity.assessments.operations import start_assessment, save_answers, submit_assessment

n = int(sys.argv[1])
app = create_app()
with app.app_context():
    db.drop_all()
    db.create_all()
    sqlite = db.engine.dialect.name == "sqlite"

    def size():
        db.session.remove()
        if sqlite:
            import sqlite3
            db.engine.dispose()
            raw = sqlite3.connect(db.engine.url.database)
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = raw.execute("PRAGMA page_count").fetchone()[0] * raw.execute("PRAGMA page_size").fetchone()[0]
            raw.close()
            return pages
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
            return conn.execute(text("SELECT pg_database_size(current_database())")).scalar()

    before = size()
    q = questionnaires()["textiles"]
    for i in range(n):
        user = User(email=f"size{i}@example.pe", password_hash="x", role="owner")
        firm = Firm(name=f"Taller {i}", sector="textiles")
        db.session.add_all([user, firm]); db.session.flush()
        db.session.add(FirmMember(firm_id=firm.id, user_id=user.id, role="owner")); db.session.commit()
        a = start_assessment(firm, user, q)
        answers = {}
        for j, item in enumerate(q.items):
            own = [o.id for o in item.options if not o.reserved]
            value = {"option": own[:1] if item.multiple else own[(i + j) % len(own)]}
            if j % 5 == 0:
                value["note"] = "Usamos un cuaderno y WhatsApp para pedidos."
            answers[item.id] = value
        items = list(answers.items())
        version = 0
        for k in range(0, len(items), 6):
            version = save_answers(a, user, q, uuid.uuid4().hex, version, dict(items[k:k + 6])).version
        submit_assessment(a, user, q)
    after = size()
    print(json.dumps({"dialect": db.engine.dialect.name, "bytes_per_assessment": (after - before) / n,
                      "items": len(q.items), "batches": -(-len(items) // 6)}))
"""


def _measure(env: dict[str, str]) -> dict:
    import json

    done = subprocess.run([sys.executable, "-c", SEED, str(N)], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError("storage benchmark failed:\n" + done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(seconds: int) -> list[Figure]:  # a size, not a rate: seconds is not used
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        base = {"MATURITY_ENV": "production", "SECRET_KEY": "bench-" + "x" * 40, "INSTANCE_PATH": tmp,
                "STORAGE_DIR": str(Path(tmp) / "storage"), "LOG_FORMAT": "text"}
        runs = [("SQLite", f"sqlite:///{Path(tmp) / 'size.db'}")]
        pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        if pg:
            runs.append(("PostgreSQL", pg))
        for label, url in runs:
            result = _measure(base | {"DATABASE_URL": url})
            figures.append(Figure(f"database growth per submitted assessment, {label}",
                                  result["bytes_per_assessment"] / 1024, None, "KiB",
                                  note=f"{N} textiles assessments, {result['items']} items in {result['batches']} "
                                       "autosave batches each, submitted"))
    return figures
