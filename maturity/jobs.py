"""Background jobs, off the request path: `submit(name, fn_path, *args, timeout=…)` and `status(job_id)`.

The local backend (the default) runs jobs in worker processes, at most PDF_WORKERS at once per
app process: a small thread pool supervises them, one worker process per supervising thread.
A worker is started from a forkserver (spawn where there is none) that has already imported, and
warmed, the modules named with `preload()`; it then takes one job after another, so a render
does not pay for a new process each time. A job still running at its timeout gets its worker
killed (SIGKILL) — a ProcessPoolExecutor cannot stop a task once it runs — and the next job gets
a fresh worker. Workers are also replaced after MAX_JOBS_PER_WORKER jobs, after any failure, and
when idle for WORKER_IDLE_SECONDS (they exit by themselves), so memory does not pile up.

Job state is a small JSON file per job name under STORAGE_DIR/jobs/, written atomically under a
file lock, so every app process on the host sees the same state and a name has at most one live
job: submitting a name that is queued or running returns that job's id. A job whose supervising
process died is reported failed ("lost") and can be submitted again.

`init_app` chooses the backend: this local one by default, or, with REDIS_URL set, the RQ queue
in `maturity.jobs_rq` (the same four methods: submit, status, find, forget; its workers run
`flask --app wsgi worker`, and it adds retries with backoff). The local backend does not retry:
a failed job is reported once, and the user's next request submits it again.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

log = logging.getLogger(__name__)

EXTENSION_KEY = "maturity.jobs"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
LIVE = (QUEUED, RUNNING)
GRACE_SECONDS = 30  # past its timeout plus this, a running job nobody finished is lost
MAX_JOBS_PER_WORKER = 50
WORKER_IDLE_SECONDS = 300  # a worker with nothing to do for this long exits
_PRELOAD: list[str] = []
_lock = threading.Lock()
_context: Any = None
_pool: ThreadPoolExecutor | None = None
_local = threading.local()


@dataclass(frozen=True)
class JobStatus:
    id: str
    name: str
    state: str                   # queued | running | done | failed
    error: str | None = None     # why it failed: "timed out after 60 s", "lost", the exception
    submitted_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def live(self) -> bool:
        return self.state in LIVE


def preload(*modules: str) -> None:
    """Modules the job processes import once, in the forkserver, before any job starts."""
    for module in modules:
        if module not in _PRELOAD:
            _PRELOAD.append(module)


def _mp_context():
    global _context
    with _lock:
        if _context is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            _context = multiprocessing.get_context(method)
            if method == "forkserver":
                _context.set_forkserver_preload(list(_PRELOAD))
        return _context


def resolve(fn_path: str) -> Callable[..., Any]:
    """'package.module:function' (or 'module:Class.method') → the callable."""
    module, _, name = fn_path.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _worker_main(conn) -> None:
    """A worker process: run the jobs that come through the pipe, one at a time, until idle."""
    while conn.poll(WORKER_IDLE_SECONDS):
        try:
            fn_path, args = conn.recv()
        except EOFError:
            return
        try:
            resolve(fn_path)(*args)
        except BaseException as exc:  # noqa: BLE001 - reported to the supervisor, which replaces this worker
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:500]))
        else:
            conn.send(("ok", None))


class _Worker:
    """One worker process and its pipe, owned by one supervising thread."""

    def __init__(self) -> None:
        ctx = _mp_context()
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child,), daemon=True, name="job-worker")
        self.process.start()
        child.close()
        self.jobs = 0
        self.last_used = time.monotonic()

    @property
    def usable(self) -> bool:
        # Leave a margin before the worker's own idle exit, so a job is never sent to a leaving worker.
        fresh = time.monotonic() - self.last_used < WORKER_IDLE_SECONDS * 0.8
        return fresh and self.jobs < MAX_JOBS_PER_WORKER and self.process.is_alive()

    def run(self, fn_path: str, args: tuple, timeout: float) -> tuple[str, str | None]:
        self.jobs += 1
        try:
            self.conn.send((fn_path, args))
        except OSError:
            self.stop()
            return FAILED, "the job process was gone"
        if not self.conn.poll(timeout):
            self.stop()
            return FAILED, f"timed out after {timeout:g} s"
        try:
            kind, detail = self.conn.recv()
        except EOFError:
            self.stop()
            return FAILED, f"the job process died (exit code {self.process.exitcode})"
        self.last_used = time.monotonic()
        return (DONE, None) if kind == "ok" else (FAILED, detail)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def _run_in_worker(fn_path: str, args: tuple, timeout: float) -> tuple[str, str | None]:
    """Run one job in this thread's worker (started, or replaced, as needed)."""
    worker: _Worker | None = getattr(_local, "worker", None)
    if worker is not None and not worker.usable:
        worker.stop()
        worker = None
    if worker is None:
        worker = _local.worker = _Worker()
    state, error = worker.run(fn_path, args, timeout)
    if state != DONE and worker.process.is_alive():
        worker.stop()  # whatever went wrong, the next job starts clean
    if not worker.process.is_alive():
        _local.worker = None
    return state, error


def _executor(workers: int) -> ThreadPoolExecutor:
    """The process-wide supervising threads (sized by the first app that runs a job)."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="job")
        return _pool


class LocalJobs:
    """Jobs in local processes, state in files (see the module docstring)."""

    def __init__(self, state_dir: str | Path, workers: int) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.workers = max(1, int(workers))
        self._host = socket.gethostname()

    # --- state files ----------------------------------------------------------------------------

    @staticmethod
    def _hash(name: str) -> str:
        return hashlib.sha256(name.encode()).hexdigest()[:32]

    @contextlib.contextmanager
    def _locked(self, name_hash: str) -> Iterator[None]:
        with (self.state_dir / f"{name_hash}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self, name_hash: str) -> dict[str, Any] | None:
        try:
            return json.loads((self.state_dir / f"{name_hash}.json").read_text())
        except (FileNotFoundError, ValueError):
            return None

    def _write(self, name_hash: str, record: dict[str, Any]) -> None:
        path = self.state_dir / f"{name_hash}.json"
        tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps(record))
        os.replace(tmp, path)

    def _alive(self, record: dict[str, Any]) -> bool:
        """Is a queued or running job still looked after by someone?"""
        if record["state"] == RUNNING and time.time() > record["deadline"]:
            return False
        if record["host"] == self._host:
            try:
                os.kill(record["pid"], 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                return True
        return True

    def _status(self, record: dict[str, Any] | None) -> JobStatus | None:
        if record is None:
            return None
        if record["state"] in LIVE and not self._alive(record):
            record = record | {"state": FAILED, "error": "lost"}
        return JobStatus(**{k: record.get(k) for k in JobStatus.__dataclass_fields__})

    def _update(self, name_hash: str, job_id: str, **changes: Any) -> bool:
        with self._locked(name_hash):
            record = self._read(name_hash)
            if record is None or record["id"] != job_id:
                return False  # forgotten or replaced meanwhile
            self._write(name_hash, record | changes)
            return True

    # --- the interface --------------------------------------------------------------------------

    def submit(self, name: str, fn_path: str, args: tuple, timeout: float) -> str:
        name_hash = self._hash(name)
        with self._locked(name_hash):
            current = self._status(self._read(name_hash))
            if current is not None and current.live:
                return current.id
            job_id = f"{name_hash}.{uuid.uuid4().hex[:12]}"
            self._write(name_hash, asdict(JobStatus(job_id, name, QUEUED, submitted_at=time.time()))
                        | {"host": self._host, "pid": os.getpid(), "deadline": None})
        self._start(job_id, name_hash, fn_path, args, float(timeout))
        log.info("job %s (%s) queued", job_id, name)
        return job_id

    def status(self, job_id: str) -> JobStatus | None:
        record = self._read(job_id.split(".", 1)[0]) if job_id else None
        return self._status(record) if record is not None and record["id"] == job_id else None

    def find(self, name: str) -> JobStatus | None:
        return self._status(self._read(self._hash(name)))

    def forget(self, job_id: str) -> None:
        name_hash = job_id.split(".", 1)[0]
        with self._locked(name_hash):
            record = self._read(name_hash)
            if record is not None and record["id"] == job_id and record["state"] not in LIVE:
                (self.state_dir / f"{name_hash}.json").unlink(missing_ok=True)

    # --- running --------------------------------------------------------------------------------

    def _start(self, job_id: str, name_hash: str, fn_path: str, args: tuple, timeout: float) -> None:
        _executor(self.workers).submit(self._supervise, job_id, name_hash, fn_path, args, timeout)

    def _supervise(self, job_id: str, name_hash: str, fn_path: str, args: tuple, timeout: float) -> None:
        started = time.time()
        if not self._update(name_hash, job_id, state=RUNNING, started_at=started,
                            deadline=started + timeout + GRACE_SECONDS):
            return
        try:
            state, error = _run_in_worker(fn_path, args, timeout)
        except Exception as exc:  # noqa: BLE001 - whatever happens, the job must end in a state
            _local.worker = None
            state, error = FAILED, f"{type(exc).__name__}: {exc}"[:500]
        self._update(name_hash, job_id, state=state, error=error, finished_at=time.time())
        level = logging.INFO if state == DONE else logging.WARNING
        log.log(level, "job %s %s in %.2f s%s", job_id, state, time.time() - started, f": {error}" if error else "")


# --- the app's backend -------------------------------------------------------------------------------

def init_app(app: Flask) -> None:
    """Choose the backend: the RQ queue when REDIS_URL is set, local processes otherwise."""
    if app.config.get("REDIS_URL"):
        from maturity.jobs_rq import RedisJobs

        app.extensions[EXTENSION_KEY] = RedisJobs.from_config(app.config)
        return
    app.extensions[EXTENSION_KEY] = LocalJobs(Path(app.config["STORAGE_DIR"]) / "jobs", app.config["PDF_WORKERS"])


def backend() -> Any:
    """The app's backend: a LocalJobs or a `maturity.jobs_rq.RedisJobs` (the same four methods)."""
    return current_app.extensions[EXTENSION_KEY]


def preloaded() -> list[str]:
    """The modules named with `preload()` (a queue worker imports them once before forking)."""
    return list(_PRELOAD)


def submit(name: str, fn_path: str, *args: Any, timeout: float) -> str:
    """Run `fn_path` ('module:function') with `args` off the request path; return the job id.

    A name has one live job: while it is queued or running, submitting it again returns its id.
    """
    return backend().submit(name, fn_path, args, timeout)


def status(job_id: str) -> JobStatus | None:
    """The job's state, or None for an unknown (or forgotten) id."""
    return backend().status(job_id)


def find(name: str) -> JobStatus | None:
    """The latest job submitted under `name`, if any."""
    return backend().find(name)


def forget(job_id: str) -> None:
    """Drop a finished job's record (after its outcome was shown), so the name can run again."""
    backend().forget(job_id)
