"""The Redis job queue (RQ): the jobs interface when REDIS_URL is set, run by `flask --app wsgi worker`.

Same four methods as the local backend (`maturity.jobs.LocalJobs`): submit, status, find, forget,
and the same rule: a name has at most one live job (queued, waiting for a retry, or running), so
asking twice for the same PDF returns the job already under way. The name → job id map lives in
Redis beside RQ's own records and is changed under a Redis lock, so every app server agrees.

- Timeout: RQ's work horse (one forked process per job) is stopped at the job's timeout
  (`JobTimeoutException`), and killed by its worker if it does not stop; past its timeout plus
  RQ's 60 s and our grace period, a job nobody finished is reported lost.
- Retries: a failed or timed-out job runs again up to JOB_RETRIES times, after
  JOB_RETRY_INTERVALS seconds (RQ's Retry; the worker's scheduler requeues it). Meanwhile it stays
  live (queued): the user keeps seeing "being prepared", and "could not be prepared" only once
  the last attempt failed.
- Payloads are JSON (RQ's JSONSerializer), never pickle: what is read back from Redis is data.
  A job is `run_job(fn_path, args)` with fn_path a 'module:function' string, as in the local
  backend, so the same callers work unchanged.

Why RQ rather than Celery: our jobs are a handful of kinds, each one function call with string
arguments, in one queue, on the Redis we need anyway for rate limits. RQ is one small package on
top of redis-py, forks a fresh process per job (the isolation a WeasyPrint render wants, and what
makes a timeout a kill), has retries with backoff and timeouts built in, and needs no broker
configuration, result backend or beat process. Celery's strengths (several brokers, routing,
chords, canvas, rate-limited fleets) are not needed here and cost configuration and memory.
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

KEY_PREFIX = "madurez:jobs:"
GRACE_SECONDS = 30
RQ_KILL_MARGIN = 60  # RQ's worker kills a horse that is still running 60 s past the job's timeout
RUN_JOB = "maturity.jobs_rq.run_job"


def run_job(fn_path: str, args: list[Any]) -> None:
    """What the work horse runs: the 'module:function' the caller named, with its arguments."""
    from flask import has_app_context

    from maturity.jobs import resolve

    if has_app_context():
        # The horse is a fork of the worker: never reuse the parent's database connections.
        from maturity.extensions import db

        db.engine.dispose(close=False)
    resolve(fn_path)(*args)


def _epoch(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _plain(arg: Any) -> Any:
    """Arguments travel as JSON: paths become strings."""
    return os.fspath(arg) if isinstance(arg, os.PathLike) else arg


class RedisJobs:
    """Jobs on an RQ queue, state in Redis (see the module docstring)."""

    def __init__(self, url: str, queue_name: str = "madurez", retries: int = 2,
                 intervals: tuple[int, ...] = (10, 60), result_ttl: int = 86_400, failure_ttl: int = 7 * 86_400) -> None:
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        self.url = url
        self.redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30)
        self.queue = Queue(queue_name, connection=self.redis, serializer=JSONSerializer)
        self.retries = int(retries)
        self.intervals = tuple(int(i) for i in intervals) or (0,)
        self.result_ttl = int(result_ttl)
        self.failure_ttl = int(failure_ttl)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RedisJobs:
        return cls(config["REDIS_URL"], queue_name=config.get("JOB_QUEUE", "madurez"),
                   retries=config.get("JOB_RETRIES", 2), intervals=tuple(config.get("JOB_RETRY_INTERVALS", (10, 60))))

    # --- helpers -------------------------------------------------------------------------------

    def _key(self, name: str) -> str:
        digest = hashlib.sha256(name.encode()).hexdigest()[:32]
        return f"{KEY_PREFIX}{self.queue.name}:name:{digest}"

    def _lock(self, key: str):
        return self.redis.lock(key + ":lock", timeout=30, blocking_timeout=15)

    def _fetch(self, job_id: str):
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        if not job_id:
            return None
        try:
            job = Job.fetch(job_id, connection=self.redis, serializer=self.queue.serializer)
        except (NoSuchJobError, ValueError):
            return None
        return job if job.meta.get("madurez_name") is not None else None

    def _status(self, job) -> Any:
        from rq.job import JobStatus as RQStatus

        from maturity.jobs import DONE, FAILED, QUEUED, RUNNING, JobStatus

        if job is None:
            return None
        rq_state = job.get_status(refresh=False)
        timeout = job.timeout if job.timeout and job.timeout > 0 else None
        error = None
        if rq_state == RQStatus.FINISHED:
            state = DONE
        elif rq_state in (RQStatus.FAILED, RQStatus.STOPPED, RQStatus.CANCELED):
            state, error = FAILED, self._error(job, timeout)
        elif rq_state == RQStatus.STARTED:
            state = RUNNING
            started = _epoch(job.started_at)
            if timeout and started is not None:
                deadline = started + timeout + RQ_KILL_MARGIN + GRACE_SECONDS
                if time.time() > deadline:
                    state, error = FAILED, "lost"
        else:  # queued, scheduled (waiting for a retry), deferred, created
            state = QUEUED
        return JobStatus(id=job.id, name=job.meta["madurez_name"], state=state, error=error,
                         submitted_at=_epoch(job.enqueued_at or job.created_at) or 0.0,
                         started_at=_epoch(job.started_at), finished_at=_epoch(job.ended_at))

    @staticmethod
    def _error(job, timeout: float | None) -> str:
        result = job.latest_result()
        text = (getattr(result, "exc_string", None) or "").strip()
        if "JobTimeoutException" in text:
            return f"timed out after {timeout:g} s" if timeout else "timed out"
        last = text.splitlines()[-1] if text else ""
        return (last or "failed")[:500]

    # --- the interface -------------------------------------------------------------------------

    def ping(self) -> bool:
        """Is the queue's Redis answering? (/readyz)"""
        return bool(self.redis.ping())

    def workers(self) -> int:
        """How many workers are listening on the queue (for /readyz's report)."""
        from rq import Worker

        return Worker.count(queue=self.queue)

    def submit(self, name: str, fn_path: str, args: tuple, timeout: float) -> str:
        from rq import Retry

        key = self._key(name)
        with self._lock(key):
            current_id = self.redis.get(key)
            current = self._status(self._fetch(current_id.decode())) if current_id else None
            if current is not None and current.live:
                return current.id
            retry = Retry(max=self.retries, interval=list(self.intervals)) if self.retries > 0 else None
            job = self.queue.enqueue_call(
                RUN_JOB, args=(fn_path, [_plain(a) for a in args]), timeout=max(1, math.ceil(timeout)),
                result_ttl=self.result_ttl, failure_ttl=self.failure_ttl, description=name[:200],
                meta={"madurez_name": name}, retry=retry)
            self.redis.set(key, job.id, ex=self.failure_ttl)
        log.info("job %s (%s) queued on %s", job.id, name, self.queue.name)
        return job.id

    def status(self, job_id: str) -> Any:
        return self._status(self._fetch(job_id))

    def find(self, name: str) -> Any:
        job_id = self.redis.get(self._key(name))
        return self._status(self._fetch(job_id.decode())) if job_id else None

    def forget(self, job_id: str) -> None:
        job = self._fetch(job_id)
        if job is None:
            return
        key = self._key(job.meta["madurez_name"])
        with self._lock(key):
            current = self._status(job)
            if current is None or current.live:
                return
            job.delete()
            if (self.redis.get(key) or b"").decode() == job_id:
                self.redis.delete(key)

    # --- the worker ----------------------------------------------------------------------------

    def work(self, burst: bool = False, logging_level: str = "INFO") -> bool:
        """Run an RQ worker on this queue (forking one work horse per job), with the retry scheduler."""
        from rq import Worker

        worker = Worker([self.queue], connection=self.redis, serializer=self.queue.serializer)
        return worker.work(burst=burst, with_scheduler=True, logging_level=logging_level)
