"""One run per collector at a time, across every worker on every machine.

A lock is a Redis key ``pp-collector:lock:<collector>`` whose value names the holder
(``host:pid:task-id``). It is taken with ``SET NX PX`` and kept alive by a heartbeat while
the run lasts, so a worker that dies (SIGKILL, a lost machine) holds it for at most
``ttl`` seconds; it is released only by its holder (compare-and-delete).
"""

from __future__ import annotations

import os
import socket
import threading
from types import TracebackType

import redis

KEY_PREFIX = "pp-collector:lock:"
DEFAULT_TTL = 30.0

# Delete (or extend) the key only while it still holds our value.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) " \
           "else return 0 end"
_EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
          "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"


def holder_id(task_id: str) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{task_id}"


class CollectorLock:
    """``with CollectorLock(client, name, task_id) as lock: if lock.acquired: ...``"""

    def __init__(self, client: redis.Redis, name: str, task_id: str,
                 ttl: float = DEFAULT_TTL):
        self.client = client
        self.key = KEY_PREFIX + name
        self.value = holder_id(task_id)
        self.ttl_ms = int(ttl * 1000)
        self.acquired = False
        self.holder: str | None = None
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def acquire(self) -> bool:
        self.acquired = bool(self.client.set(self.key, self.value, nx=True, px=self.ttl_ms))
        if self.acquired:
            self._heartbeat = threading.Thread(target=self._beat, daemon=True,
                                               name=f"lock {self.key}")
            self._heartbeat.start()
        else:
            held_by = self.client.get(self.key)
            self.holder = held_by.decode() if isinstance(held_by, bytes) else held_by
        return self.acquired

    def _beat(self) -> None:
        while not self._stop.wait(self.ttl_ms / 3000):
            try:
                self.client.eval(_EXTEND, 1, self.key, self.value, self.ttl_ms)
            except redis.RedisError:
                pass  # the next beat tries again; the key outlives one missed beat

    def release(self) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
        if self.acquired:
            try:
                self.client.eval(_RELEASE, 1, self.key, self.value)
            except redis.RedisError:
                pass  # it expires within ttl
            self.acquired = False

    def __enter__(self) -> CollectorLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def held_by_task(holder: str | None, task_id: str) -> bool:
    """Whether a lock's holder is an earlier attempt of this same task (a redelivery)."""
    return bool(holder) and holder.rsplit(":", 1)[-1] == task_id
