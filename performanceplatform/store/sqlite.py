"""Records in SQLite, upserted by ``_id`` per data set, in the order they were written.

One table, ``records``, keyed by ``(data_set, id)``; ``record`` is the stored JSON text (query
it with SQLite's ``json_extract``). Several processes may write one file at once: each save is
one ``BEGIN IMMEDIATE`` transaction that waits up to ``BUSY_TIMEOUT`` seconds for the others,
and a file database runs in WAL mode, so readers never wait for a writer.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable
from typing import Any

from performanceplatform.store.records import (  # noqa: F401 (PERIOD_KEYS, period_starts: API)
    PERIOD_KEYS,
    period_starts,
    refine,
    stored_form,
    timestamp_of,
    to_json,
)

BUSY_TIMEOUT = 60.0  # seconds a writer waits for another process's write to finish

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    data_set TEXT NOT NULL,
    id TEXT NOT NULL,
    timestamp TEXT,
    seq INTEGER NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (data_set, id)
);
CREATE INDEX IF NOT EXISTS records_by_time ON records (data_set, timestamp);
CREATE INDEX IF NOT EXISTS records_by_write ON records (data_set, seq);
"""


class SQLiteStore:
    """A thread-safe record store. ``path`` is a file, or ``:memory:``."""

    def __init__(self, path: str = ":memory:"):
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                   timeout=BUSY_TIMEOUT)
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def save(self, data_set: str, records: Iterable[dict[str, Any]]) -> int:
        """Upsert prepared records (timestamps already datetimes); return how many."""
        now = dt.datetime.now(dt.timezone.utc)
        stored = [stored_form(record, now) for record in records]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")  # the write lock first: seq is then ours
            try:
                last = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM records "
                                        "WHERE data_set = ?", (data_set,)).fetchone()[0]
                self._db.executemany(
                    "INSERT INTO records (data_set, id, timestamp, seq, record) "
                    "VALUES (?,?,?,?,?) ON CONFLICT (data_set, id) DO UPDATE SET "
                    "timestamp=excluded.timestamp, seq=excluded.seq, record=excluded.record",
                    [_row(data_set, record, last + n) for n, record in enumerate(stored, 1)])
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return len(stored)

    def empty(self, data_set: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM records WHERE data_set = ?", (data_set,))

    def count(self, data_set: str) -> int:
        with self._lock:
            return self._db.execute(
                "SELECT COUNT(*) FROM records WHERE data_set = ?", (data_set,)).fetchone()[0]

    def select(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        """The rows of a read-only SQL query on ``records`` (``store.summary`` uses it)."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def query(self, data_set: str, start_at: dt.datetime | None = None,
              end_at: dt.datetime | None = None, inclusive: bool = False,
              filters: Iterable[tuple[str, Any]] = (), sort_by: tuple[str, bool] | None = None,
              limit: int | None = None) -> list[dict[str, Any]]:
        """Raw records, filtered by ``_timestamp`` range and exact field values.

        Without ``sort_by`` records come in the order they were last written.
        """
        sql = "SELECT record FROM records WHERE data_set = ?"
        params: list[Any] = [data_set]
        if start_at is not None:
            sql += " AND timestamp >= ?"
            params.append(start_at.astimezone(dt.timezone.utc).isoformat())
        if end_at is not None:
            sql += " AND timestamp <= ?" if inclusive else " AND timestamp < ?"
            params.append(end_at.astimezone(dt.timezone.utc).isoformat())
        sql += " ORDER BY seq"
        with self._lock:
            records = [json.loads(row[0]) for row in self._db.execute(sql, params)]
        return refine(records, filters, sort_by, limit)

    def data_sets(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute(
                "SELECT DISTINCT data_set FROM records ORDER BY data_set")]

    def close(self) -> None:
        self._db.close()


def _row(data_set: str, stored: dict[str, Any], seq: int) -> tuple[Any, ...]:
    timestamp = timestamp_of(stored)
    return (data_set, stored["_id"], timestamp.isoformat() if timestamp else None, seq,
            to_json(stored))
