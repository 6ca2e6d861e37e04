"""The local job runner: one process per job, killed at its timeout, one live job per name."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from maturity.jobs import DONE, FAILED, QUEUED, RUNNING, LocalJobs


def wait(jobs: LocalJobs, job_id: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = jobs.status(job_id)
        if status is not None and not status.live:
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {jobs.status(job_id)} after {seconds} s")


@pytest.fixture
def jobs(tmp_path) -> LocalJobs:
    return LocalJobs(tmp_path / "jobs", workers=2)


def test_a_job_runs_in_another_process_and_ends_done(jobs, tmp_path):
    target = tmp_path / "out.txt"
    job_id = jobs.submit("write", "pathlib:Path.write_text", (target, "hello"), timeout=30)
    status = wait(jobs, job_id)
    assert status.state == DONE and status.error is None and status.finished_at >= status.started_at
    assert target.read_text() == "hello"


def test_a_job_that_raises_ends_failed_with_the_reason(jobs):
    status = wait(jobs, jobs.submit("bad", "json:loads", ("{not json",), timeout=30))
    assert status.state == FAILED and status.error.startswith("JSONDecodeError")


def test_a_job_past_its_timeout_is_killed(jobs):
    started = time.monotonic()
    job_id = jobs.submit("slow", "time:sleep", (60,), timeout=0.5)
    status = wait(jobs, job_id, seconds=20)
    assert status.state == FAILED and status.error == "timed out after 0.5 s"
    assert time.monotonic() - started < 15  # killed, not waited for
    # and the name can run again
    again = jobs.submit("slow", "time:sleep", (0,), timeout=10)
    assert again != job_id and wait(jobs, again).state == DONE


def test_a_job_that_kills_its_process_fails_and_the_next_one_runs(jobs):
    status = wait(jobs, jobs.submit("crash", "os:_exit", (3,), timeout=30))
    assert status.state == FAILED and "died" in status.error
    assert wait(jobs, jobs.submit("after", "time:sleep", (0,), timeout=30)).state == DONE


def test_a_name_has_one_live_job(jobs, monkeypatch):
    started = []
    monkeypatch.setattr(jobs, "_start", lambda *args: started.append(args))
    first = jobs.submit("render:1", "time:sleep", (0,), timeout=10)
    second = jobs.submit("render:1", "time:sleep", (0,), timeout=10)
    other = jobs.submit("render:2", "time:sleep", (0,), timeout=10)
    assert first == second != other and len(started) == 2
    assert jobs.status(first).state == QUEUED and jobs.find("render:1").id == first


def test_a_job_whose_supervisor_died_is_lost_and_can_run_again(jobs, monkeypatch):
    monkeypatch.setattr(jobs, "_start", lambda *args: None)
    job_id = jobs.submit("orphan", "time:sleep", (0,), timeout=10)
    path = jobs.state_dir / f"{job_id.split('.')[0]}.json"
    record = json.loads(path.read_text())
    finished = subprocess.Popen([sys.executable, "-c", ""])  # a process that has ended: its pid is free
    finished.wait()
    path.write_text(json.dumps(record | {"pid": finished.pid}))
    assert jobs.status(job_id).state == FAILED and jobs.status(job_id).error == "lost"
    assert jobs.submit("orphan", "time:sleep", (0,), timeout=10) != job_id


def test_a_running_job_past_its_deadline_is_lost(jobs, monkeypatch):
    monkeypatch.setattr(jobs, "_start", lambda *args: None)
    job_id = jobs.submit("stuck", "time:sleep", (0,), timeout=10)
    path = jobs.state_dir / f"{job_id.split('.')[0]}.json"
    path.write_text(json.dumps(json.loads(path.read_text()) | {"state": RUNNING, "deadline": time.time() - 1}))
    assert jobs.find("stuck").error == "lost"


def test_forget_drops_a_finished_job_only(jobs, monkeypatch):
    done = wait(jobs, jobs.submit("quick", "time:sleep", (0,), timeout=10))
    jobs.forget(done.id)
    assert jobs.status(done.id) is None and jobs.find("quick") is None
    monkeypatch.setattr(jobs, "_start", lambda *args: None)
    live = jobs.submit("queued", "time:sleep", (0,), timeout=10)
    jobs.forget(live)
    assert jobs.status(live).state == QUEUED
    assert jobs.status("unknown.id") is None and jobs.status("") is None


@pytest.mark.parametrize(("env", "message"), [({"PDF_RENDER_TIMEOUT": "0"}, "PDF_RENDER_TIMEOUT"),
                                               ({"PDF_WORKERS": "0"}, "PDF_WORKERS"),
                                               ({"PDF_RENDER_TIMEOUT": "soon"}, "whole number")])
def test_pdf_settings_are_checked_at_start_up(tmp_path, env, message):
    from maturity.config import ConfigError, load_config

    with pytest.raises(ConfigError, match=message):
        load_config({"INSTANCE_PATH": str(tmp_path)}, environ={"MATURITY_ENV": "testing", **env})
    defaults = load_config({"INSTANCE_PATH": str(tmp_path)}, environ={"MATURITY_ENV": "testing"})
    assert defaults["PDF_RENDER_TIMEOUT"] == 60 and defaults["PDF_WORKERS"] == 1
