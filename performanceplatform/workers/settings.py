"""The workers' settings, read from the environment once per process.

``PP_COLLECTOR_BROKER_URL``          Celery broker (default ``redis://127.0.0.1:6379/0``;
                                     ``amqp://...`` for RabbitMQ)
``PP_COLLECTOR_RESULT_BACKEND``      where task outcomes are kept (default: the broker URL
                                     when it is Redis, else none)
``PP_COLLECTOR_LOCK_URL``            the Redis that holds the per-collector locks (default:
                                     the broker URL, else the result backend, when Redis)
``PP_COLLECTOR_TASK_TIME_LIMIT``     seconds one run may take before it is killed (3600)
``PP_COLLECTOR_VISIBILITY_TIMEOUT``  seconds before a run whose worker vanished is handed to
                                     another worker (Redis broker; default: time limit + 300)
``PP_COLLECTOR_TASK_RETRIES``        retries of a run that failed for a transient reason (3)
``PP_COLLECTOR_LOCK_TTL``            seconds a collector's lock outlives a worker that vanished
                                     mid-run (30; renewed every third of it while running)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"


def _is_redis(url: str | None) -> bool:
    return bool(url) and url.split("://", 1)[0] in ("redis", "rediss", "redis+socket")


def _number(name: str, default: float, allow_zero: bool = False) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"${name}: expected a number of seconds, got {raw!r}") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"${name}: expected a positive number, got {raw!r}")
    return value


@dataclass(frozen=True)
class WorkerSettings:
    broker_url: str
    result_backend: str | None
    lock_url: str | None
    time_limit: float
    visibility_timeout: float
    retries: int
    lock_ttl: float = 30.0

    @classmethod
    def from_env(cls) -> WorkerSettings:
        broker = os.environ.get("PP_COLLECTOR_BROKER_URL") or DEFAULT_BROKER_URL
        backend = os.environ.get("PP_COLLECTOR_RESULT_BACKEND") or (
            broker if _is_redis(broker) else None)
        lock = os.environ.get("PP_COLLECTOR_LOCK_URL") or next(
            (url for url in (broker, backend) if _is_redis(url)), None)
        time_limit = _number("PP_COLLECTOR_TASK_TIME_LIMIT", 3600)
        return cls(
            broker_url=broker,
            result_backend=backend,
            lock_url=lock,
            time_limit=time_limit,
            visibility_timeout=_number("PP_COLLECTOR_VISIBILITY_TIMEOUT", time_limit + 300),
            retries=int(_number("PP_COLLECTOR_TASK_RETRIES", 3, allow_zero=True)),
            lock_ttl=_number("PP_COLLECTOR_LOCK_TTL", 30),
        )
