"""The Redis job queue (RQ) behind the jobs interface, against a real redis-server.

The worker is RQ's own forking Worker, run in burst mode in this process (each job in a forked
work horse, as `flask --app wsgi worker` does), or the command itself in a subprocess for the PDF.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from queue_jobs import count_runs
from redis import Redis
from sqlalchemy import select
from test_assessment_flow import login
from test_reports import download, pdf_text, submitted

from maturity import jobs
from maturity.assessments.models import Assessment
from maturity.config import PROJECT_ROOT, load_config
from maturity.extensions import db, limiter
from maturity.jobs_rq import RedisJobs
from maturity.reports.document import build_document

FAIL_JOB = "queue_jobs:count_and_fail"


@pytest.fixture
def app(make_app, redis_url):
    """This module's app: jobs on the Redis queue (no retries unless a test sets them), limits in Redis."""
    app = make_app(REDIS_URL=redis_url, RATELIMIT_STORAGE_URI=redis_url, JOB_RETRIES=0)
    limiter.reset()
    return app


@pytest.fixture
def queue_app(app):
    return app


def with_retries(app, retries: int, intervals: tuple[int, ...]):
    app.config.update(JOB_RETRIES=retries, JOB_RETRY_INTERVALS=intervals)
    jobs.init_app(app)
    return app


def work(app) -> None:
    """One burst of RQ's forking worker: every job waiting now (and retries due now), then return."""
    with app.app_context():
        jobs.backend().work(burst=True, logging_level="WARNING")


def test_redis_url_chooses_the_queue_and_a_name_has_one_live_job(queue_app):
    with queue_app.app_context():
        assert isinstance(jobs.backend(), RedisJobs)
        first = jobs.submit("render:1", "time:sleep", 0, timeout=10)
        again = jobs.submit("render:1", "time:sleep", 0, timeout=10)
        other = jobs.submit("render:2", "time:sleep", 0, timeout=10)
        assert first == again != other
        assert jobs.status(first).state == jobs.QUEUED and jobs.find("render:1").id == first
        assert jobs.status("no-such-job") is None and jobs.find("render:3") is None
        assert len(jobs.backend().queue) == 2  # the repeat added nothing


def test_a_job_runs_on_a_worker_and_ends_done(queue_app, tmp_path):
    source, target = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_text("hola")
    with queue_app.app_context():
        job_id = jobs.submit("copy", "shutil:copyfile", source, target, timeout=30)  # paths travel as JSON strings
    work(queue_app)
    with queue_app.app_context():
        status = jobs.status(job_id)
        assert status.state == jobs.DONE and status.error is None
        assert status.finished_at >= status.started_at >= status.submitted_at > 0
        assert target.read_text() == "hola"
        jobs.forget(job_id)
        assert jobs.status(job_id) is None and jobs.find("copy") is None
        assert jobs.submit("copy", "shutil:copyfile", source, target, timeout=30) != job_id


def test_a_stuck_job_is_stopped_at_its_timeout(queue_app):
    with queue_app.app_context():
        job_id = jobs.submit("stuck", "time:sleep", 120, timeout=1)
    started = time.monotonic()
    work(queue_app)
    assert time.monotonic() - started < 20  # stopped, not waited for
    with queue_app.app_context():
        status = jobs.status(job_id)
        assert status.state == jobs.FAILED and status.error == "timed out after 1 s"
        # the next request may try again
        assert jobs.submit("stuck", "time:sleep", 0, timeout=5) != job_id


def test_a_failing_job_is_retried_after_a_pause_then_fails_for_good(app, tmp_path):
    with_retries(app, 2, (1, 1))
    runs = tmp_path / "runs.txt"
    with app.app_context():
        job_id = jobs.submit("flaky", FAIL_JOB, str(runs), timeout=10)
    work(app)
    with app.app_context():
        # failed once, waiting for its retry: still live, so the user still sees "being prepared"
        assert count_runs(runs) == 1
        assert jobs.status(job_id).state == jobs.QUEUED and jobs.submit("flaky", FAIL_JOB, str(runs), timeout=10) == job_id
    for attempt in (2, 3):
        time.sleep(1.2)  # the backoff
        work(app)
        assert count_runs(runs) == attempt
    with app.app_context():
        status = jobs.status(job_id)
        assert status.state == jobs.FAILED and "the renderer broke" in status.error


def test_a_job_nobody_finished_is_lost_and_can_run_again(queue_app):
    from rq.job import Job, JobStatus

    with queue_app.app_context():
        backend = jobs.backend()
        job_id = jobs.submit("orphan", "time:sleep", 0, timeout=5)
        job = Job.fetch(job_id, connection=backend.redis, serializer=backend.queue.serializer)
        job.set_status(JobStatus.STARTED)
        job.started_at = datetime.now(UTC) - timedelta(hours=1)  # its worker died long ago
        job.save()
        assert jobs.status(job_id).state == jobs.FAILED and jobs.status(job_id).error == "lost"
        assert jobs.submit("orphan", "time:sleep", 0, timeout=5) != job_id


# --- through the app --------------------------------------------------------------------------------

@pytest.fixture
def owner_client(client, create_user):
    login(client, create_user(email="owner@example.pe"))
    return client


def test_the_plan_pdf_is_rendered_by_the_worker_command(queue_app, owner_client, database_url, redis_url):
    assessment = submitted(owner_client)
    url = f"/assessments/{assessment.id}/plan.pdf?lang=en"
    first = owner_client.get(url)
    assert first.status_code == 202 and "being prepared" in first.get_data(as_text=True)
    with queue_app.app_context():
        name = build_document(assessment, "en").key.job_name
        assert jobs.find(name).state == jobs.QUEUED
    time.sleep(0.5)
    assert owner_client.get(url).status_code == 202  # no worker: nothing renders in the web process
    config = queue_app.config
    env = {**os.environ, "MATURITY_ENV": "testing", "SECRET_KEY": config["SECRET_KEY"], "DATABASE_URL": database_url,
           "REDIS_URL": redis_url, "STORAGE_DIR": config["STORAGE_DIR"], "INSTANCE_PATH": config["INSTANCE_PATH"]}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    with queue_app.app_context():
        assert jobs.find(name).state == jobs.DONE
    response = download(owner_client, url, seconds=10)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Taller Ana" in pdf_text(response.data)


def test_a_pdf_that_keeps_failing_is_retried_then_the_owner_is_told(app, owner_client, tmp_path, monkeypatch):
    with_retries(app, 1, (0,))
    client = owner_client
    runs = tmp_path / "runs.txt"
    assessment = submitted(client)
    url = f"/assessments/{assessment.id}/plan.pdf?lang=en"
    with monkeypatch.context() as m:  # the render job is swapped for one that records each attempt and fails
        m.setattr("maturity.reports.views.jobs.submit",
                  lambda name, fn, *args, timeout: jobs.backend().submit(name, FAIL_JOB, (str(runs),), timeout))
        assert client.get(url).status_code == 202
    work(app)
    assert count_runs(runs) == 2  # the first attempt and one retry (no pause: JOB_RETRY_INTERVALS=0)
    failed = client.get(url)
    assert failed.status_code == 302 and failed.headers["Location"].endswith(f"/assessments/{assessment.id}/results#plan")
    page = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "Your PDF could not be prepared" in page or "no se pudo preparar" in page
    assert not list(Path(app.config["STORAGE_DIR"]).rglob("*.pdf"))
    with app.app_context():
        assert db.session.scalar(select(Assessment.id)) == assessment.id


# --- readiness and rate limits ------------------------------------------------------------------------

def test_readyz_checks_the_queue(queue_app):
    response = queue_app.test_client().get("/readyz")
    assert response.status_code == 200 and response.json["checks"] == {"database": "ok", "queue": "ok"}


def test_readyz_is_unavailable_when_redis_is_down(make_app):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{port}/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.json["checks"] == {"database": "ok", "queue": "unavailable"}


def test_redis_url_is_the_rate_limit_store_too():
    cfg = load_config({"MATURITY_ENV": "testing"}, environ={"REDIS_URL": "redis://cache:6379/0"})
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


def test_rate_limits_are_counted_in_redis(app, redis_url, auth):
    app.config["LOGIN_IP_LIMIT"] = "2 per minute"
    user = auth.account(email="ana@example.pe")
    client = app.test_client()
    for _ in range(2):
        assert auth.login(client, user.email, "wrong password, twice").status_code == 400  # refused, not throttled
    assert auth.login(client, user.email, "wrong password, twice").status_code == 429
    # The count lives in Redis (shared by every app server), not in this process: emptying Redis resets it.
    assert any(b"login-ip" in key for key in Redis.from_url(redis_url).keys("*"))
    Redis.from_url(redis_url).flushdb()
    assert auth.login(client, user.email, "wrong password, twice").status_code == 400
