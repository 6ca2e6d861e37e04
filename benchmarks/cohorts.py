"""The cohort dashboard over 100,000 submitted assessments (goal: ≤ 300 ms server time).

A throwaway SQLite database gets one cohort of 60,000 enrolled firms with 100,000 submitted
assessments (40,000 firms assessed twice) and their 1.2 million DimensionScore rows, bulk-inserted
directly. Figures:
- the dashboard page (GET /agency/cohorts/<id>, an analyst logged in, in-process: server time),
  warm (aggregates kept under the cohort's data version) and cold (the first view after a change);
- the cohort's published benchmarks (SQL aggregates + suppression, no template), cold;
- the impact figures, cold.
Floor: the very SQL statements the benchmarks issue, captured once and replayed bare through
SQLAlchemy Core (`exec_driver_sql`) on the same database: the rest is the app's own cost.
BENCH_DATABASE_URL runs it on a throwaway PostgreSQL database instead (emptied first);
BENCH_COHORT_ASSESSMENTS changes the size.
"""
from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert

from benchmarks.report import Figure

ASSESSMENTS = int(os.environ.get("BENCH_COHORT_ASSESSMENTS", "100000"))
DIMENSIONS = ("T1", "T2", "T3", "T4", "T5", "T6", "M1", "M2", "M3", "M4", "M5", "M6")
SECTORS = ("textiles", "retail", "tourism", "footwear", "furniture", "fishery", "agrifood", "handicrafts")
DEPARTMENTS = ("15", "23", "08", "04", "13", "20", "06", "07", "12", "21")
BANDS = ((20, "inicial"), (40, "basico"), (60, "intermedio"), (80, "avanzado"), (101, "lider"))


def _band(score: float) -> str:
    return next(b for limit, b in BANDS if score < limit)


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm-up (caches, statement compilation)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _seed(db, models, n_assessments: int) -> tuple[int, int]:
    """Bulk-insert the cohort; return (cohort id, analyst id)."""
    from maturity.auth.models import User
    from maturity.cohorts.models import Cohort, CohortMember
    from maturity.organizations.models import Organization

    Assessment, DimensionScore, Firm = models
    rng = random.Random(11)
    org = Organization(name="Bench agency", kind="agency")
    db.session.add(org)
    db.session.flush()
    analyst = User(email="bench-analyst@example.pe", role="analyst", organization_id=org.id)
    cohort = Cohort(organization_id=org.id, name="Bench cohort", join_code="BENCH001",
                    period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    db.session.add_all([analyst, cohort])
    db.session.commit()
    n_firms = round(n_assessments / 1.4 * 0.84)   # 60,000 firms for 100,000 assessments
    twice = n_assessments - n_firms
    conn = db.session.connection()
    firm_rows = [{"id": i + 1, "name": f"Bench {i}", "sector": rng.choice(SECTORS), "department": rng.choice(DEPARTMENTS),
                  "annual_sales_band": rng.choice(("le150uit", "le150uit", "le150uit", "le1700uit", "le2300uit")),
                  "employees": 3, "tax_regime": "none", "association": "none", "years_operating": 2,
                  "has_ruc": False, "issues_e_invoices": False, "exports": False, "export_intent": False,
                  "created_at": datetime(2026, 1, 1, tzinfo=UTC)} for i in range(n_firms)]
    conn.execute(insert(Firm), firm_rows)
    consent = datetime(2026, 1, 2, tzinfo=UTC)
    conn.execute(insert(CohortMember), [{"cohort_id": cohort.id, "firm_id": i + 1, "consent_version": "2026-01",
                                         "consent_at": consent} for i in range(n_firms)])
    assessment_rows, score_rows = [], []
    next_id = 1
    for firm_index in range(n_firms):
        times = 2 if firm_index < twice else 1
        level = rng.uniform(5, 70)
        for k in range(times):
            when = datetime(2026, 2, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 120) + 150 * k)
            scores = [min(100.0, max(0.0, round(level + 8 * k + rng.gauss(0, 12), 1))) for _ in DIMENSIONS]
            overall = round(sum(scores) / len(scores), 1)
            assessment_rows.append({
                "id": next_id, "firm_id": firm_index + 1, "questionnaire_id": "general",
                "questionnaire_version": "bench", "status": "submitted", "mode": "self", "version": 1,
                "created_at": when, "updated_at": when, "submitted_at": when, "overall_score": overall,
                "overall_band": _band(overall), "technology_score": round(sum(scores[:6]) / 6, 1),
                "management_score": round(sum(scores[6:]) / 6, 1)})
            score_rows.extend({"assessment_id": next_id, "dimension": d, "state": "scored", "score": s,
                               "band": _band(s), "coverage": 1.0} for d, s in zip(DIMENSIONS, scores, strict=True))
            next_id += 1
    for start in range(0, len(assessment_rows), 20000):
        conn.execute(insert(Assessment), assessment_rows[start:start + 20000])
    for start in range(0, len(score_rows), 100000):
        conn.execute(insert(DimensionScore), score_rows[start:start + 100000])
    db.session.commit()
    db.session.connection().exec_driver_sql("ANALYZE")
    db.session.commit()
    return cohort.id, analyst.id


def run(_seconds: int) -> list[Figure]:
    from maturity import create_app
    from maturity.assessments.models import Assessment, DimensionScore
    from maturity.cohorts import aggregates, figures
    from maturity.cohorts.models import Cohort
    from maturity.database import reset_write_intent, set_write_intent
    from maturity.extensions import db
    from maturity.firms.models import Firm

    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'cohorts.db'}"
        app = create_app({"MATURITY_ENV": "testing", "SECRET_KEY": "bench-" + "x" * 40, "INSTANCE_PATH": tmp,
                          "SQLALCHEMY_DATABASE_URI": url,
                          "STORAGE_DIR": str(Path(tmp) / "storage"), "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.drop_all()   # BENCH_DATABASE_URL names a throwaway database: it is emptied first
            db.create_all()
            started = time.perf_counter()
            cohort_id, analyst_id = _seed(db, (Assessment, DimensionScore, Firm), ASSESSMENTS)
            seeded = time.perf_counter() - started
            from maturity.auth.models import User

            token = db.session.get(User, analyst_id).session_token
            db.session.commit()
            # Reads, like the GET they stand for: deferred transactions, no write lock.
            intent = set_write_intent(False)
            cohort = db.session.get(Cohort, cohort_id)

            def benchmarks():
                figures.benchmarks(cohort)
                aggregates.funnel(cohort)
                db.session.rollback()

            def cold(fn):
                def run_cold():
                    app.extensions.pop(figures.CACHE_KEY, None)
                    fn()
                return run_cold

            # Capture the exact statements of one dashboard's aggregates (cold), to replay them bare.
            captured: list[tuple[str, object]] = []

            def _capture(conn, cursor, statement, parameters, context, executemany):
                captured.append((statement, parameters))

            app.config["COHORT_CACHE_SECONDS"] = 0
            event.listen(db.engine, "before_cursor_execute", _capture)
            benchmarks()
            event.remove(db.engine, "before_cursor_execute", _capture)
            app.config["COHORT_CACHE_SECONDS"] = 300
            statements = [(s, p) for s, p in captured if s.lstrip().upper().startswith(("SELECT", "WITH"))]

            def bare():
                with db.engine.connect() as conn:
                    for statement, parameters in statements:
                        conn.exec_driver_sql(statement, parameters).fetchall()

            floor = _median_ms(bare, 5)
            published_cold = _median_ms(cold(benchmarks), 3)
            impact_cold = _median_ms(cold(lambda: (figures.impact(cohort), db.session.rollback())), 3)
            reset_write_intent(intent)

        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = token
            sess["_fresh"] = True

        def page():
            response = client.get(f"/agency/cohorts/{cohort_id}")
            if response.status_code != 200:
                raise RuntimeError(f"dashboard answered {response.status_code}")

        dashboard_cold = _median_ms(cold(page), 3)
        dashboard_warm = _median_ms(page, 7)

        # After a change (a new submission somewhere): the previous figures are served at once and
        # a background thread recomputes them (stale-while-revalidate, figures._cached).
        def changed_page():
            with app.app_context():
                db.session.execute(insert(Assessment), [{
                    "firm_id": 1, "questionnaire_id": "general", "questionnaire_version": "bench",
                    "status": "submitted", "mode": "self", "version": 1, "created_at": datetime.now(UTC),
                    "updated_at": datetime.now(UTC), "submitted_at": datetime(2026, 12, 30, tzinfo=UTC),
                    "overall_score": 50.0, "overall_band": "intermedio", "technology_score": 50.0,
                    "management_score": 50.0}])
                db.session.commit()
            started = time.perf_counter()
            page()
            took = time.perf_counter() - started
            deadline = time.monotonic() + 120
            while figures._refreshing and time.monotonic() < deadline:
                time.sleep(0.05)
            return took

        page()
        changed = [changed_page() * 1000 for _ in range(5)]
        dashboard_changed = statistics.median(changed)
        with app.app_context():
            refresh_s = max(entry.took for entry in app.extensions[figures.CACHE_KEY].values())
    db_name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    note = (f"{ASSESSMENTS:,} assessments, 12 dimensions each, bulk-seeded in {seeded:.0f} s; floor = the same "
            f"{len(statements)} SQL statements replayed bare through SQLAlchemy Core on {db_name}; warm = aggregates "
            "kept per process under the cohort's data version (4 small queries per request)")
    return [
        Figure(f"cohort dashboard page, warm, {ASSESSMENTS:,} assessments ({db_name})", dashboard_warm, floor, "ms",
               goal="≤ 300 ms", note=note),
        Figure("cohort dashboard page after a new submission (previous figures served, refreshed in the background)",
               dashboard_changed, floor, "ms", goal="≤ 300 ms",
               note=f"the background refresh took {refresh_s:.1f} s; a withdrawal or deletion is never served stale"),
        Figure("cohort dashboard page, cold (first view after start, or after a withdrawal)", dashboard_cold, floor,
               "ms", goal="(no goal set)"),
        Figure("cohort benchmarks, cold (SQL + suppression, no template)", published_cold, floor, "ms",
               goal="(no goal: pages serve kept figures)"),
        Figure("cohort impact, cold (paired baseline → follow-up)", impact_cold, None, "ms", goal="(no goal set)"),
    ]
