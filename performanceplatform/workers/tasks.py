"""The task that runs one collector: the CLI's own ``run``, under a per-collector lock.

Outcome of every attempt: one log line (``pp_collector.outcome``), and the result backend
holds the outcome (a dict on success; on failure the error names the collector, the class
and the error line). Classes:

``ok``          records written (or none to write)
``skipped``     the collector was already running elsewhere (the holder is named)
``config``      bad command line or config: not retried, a re-run would fail the same way
``transient``   a source or Backdrop connection failure, timeout, 429 or 5xx: retried with
                backoff up to ``PP_COLLECTOR_TASK_RETRIES`` times, then ``failed``
``failed``      any other failure (a 4xx from a source or Backdrop, nonsense data)
``timeout``     the run passed ``PP_COLLECTOR_TASK_TIME_LIMIT``
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any

import redis
from celery.exceptions import SoftTimeLimitExceeded

from performanceplatform.collector.main import run
from performanceplatform.transport.http import backoff_scale
from performanceplatform.utils import writes
from performanceplatform.utils.errors import ConfigError, SinkError, SourceError
from performanceplatform.utils.redact import redact
from performanceplatform.workers.app import TASK_NAME, app
from performanceplatform.workers.jobs import job_argv, job_name
from performanceplatform.workers.lock import CollectorLock, held_by_task

log = logging.getLogger("pp_collector.outcome")

RETRY_BASE_SECONDS = 30.0
RETRY_MAX_SECONDS = 600.0


class RunFailed(Exception):
    """A run that ended in failure; its message is the outcome line."""


def classify(exc: BaseException) -> str:
    """The outcome class of a run that raised ``exc``."""
    if isinstance(exc, SystemExit) or isinstance(exc, ConfigError):
        return "config"
    if isinstance(exc, SoftTimeLimitExceeded):
        return "timeout"
    if isinstance(exc, (SourceError, SinkError)):
        status = exc.status
        if status is None or status == 429 or status >= 500:
            return "transient"
    return "failed"


def _lock_client() -> redis.Redis:
    url = app.conf.pp_settings.lock_url
    if not url:
        raise ConfigError("per-collector locks need Redis: set PP_COLLECTOR_LOCK_URL",
                          where="environment")
    return redis.Redis.from_url(url, socket_timeout=10)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def _outcome(job: dict[str, Any], status: str, started: tuple[float, str],
             **extra: Any) -> dict[str, Any]:
    return {"collector": job_name(job), "start": job.get("start"), "end": job.get("end"),
            "status": status, "seconds": round(time.monotonic() - started[0], 3),
            "started_at": started[1], "finished_at": _now(), **extra}


def _report(outcome: dict[str, Any]) -> None:
    level = logging.INFO if outcome["status"] in ("ok", "skipped") else logging.ERROR
    log.log(level, "%s", json.dumps(outcome))


@app.task(bind=True, name=TASK_NAME, max_retries=None)
def run_collector(self: Any, job: dict[str, Any]) -> dict[str, Any]:
    """Run the collector ``job`` describes (see ``jobs``); the outcome."""
    started = (time.monotonic(), _now())
    settings = app.conf.pp_settings
    lock = CollectorLock(_lock_client(), job_name(job), self.request.id, settings.lock_ttl)
    if not lock.acquire():
        if held_by_task(lock.holder, self.request.id):
            # An earlier attempt of this very run (its worker died, or the broker handed the
            # task out again): wait for its lock to lapse rather than drop the run.
            log.info("%s: an earlier attempt of task %s holds the lock; trying again in %.0f s",
                     job_name(job), self.request.id, settings.lock_ttl / 2)
            raise self.retry(countdown=settings.lock_ttl / 2)
        outcome = _outcome(job, "skipped", started, holder=lock.holder, records_written=0)
        _report(outcome)
        return outcome
    try:
        with writes.recording() as written:
            try:
                run(job_argv(job))
            except BaseException as exc:  # SystemExit from argparse included
                return _failed(self, job, exc, started, written.records)
        outcome = _outcome(job, "ok", started, records_written=written.records,
                           attempts=self.request.retries + 1)
        _report(outcome)
        return outcome
    finally:
        lock.release()


def _failed(task: Any, job: dict[str, Any], exc: BaseException, started: tuple[float, str],
            written: int) -> dict[str, Any]:
    kind = classify(exc)
    line = redact(str(exc) if not isinstance(exc, SystemExit) else "bad command line")
    retrying = kind == "transient" and task.request.retries < app.conf.pp_settings.retries
    outcome = _outcome(job, "retrying" if retrying else kind, started, error=line,
                       records_written=written, attempts=task.request.retries + 1)
    _report(outcome)
    if retrying:
        countdown = min(RETRY_BASE_SECONDS * 2 ** task.request.retries, RETRY_MAX_SECONDS)
        raise task.retry(countdown=countdown * backoff_scale(), max_retries=None)
    if isinstance(exc, (KeyboardInterrupt,)):
        raise exc
    raise RunFailed(f"{outcome['collector']}: {kind}: {line}")
