"""Records in SQLite, upserted by ``_id`` per data set, in the order they were written."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable
from typing import Any

PERIOD_KEYS = ("_hour_start_at", "_day_start_at", "_week_start_at", "_month_start_at",
               "_quarter_start_at", "_year_start_at")

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


def period_starts(timestamp: dt.datetime) -> dict[str, dt.datetime]:
    """Backdrop's period keys for a UTC timestamp (weeks start on Monday)."""
    hour = timestamp.replace(minute=0, second=0, microsecond=0)
    day = hour.replace(hour=0)
    month = day.replace(day=1)
    return {
        "_hour_start_at": hour,
        "_day_start_at": day,
        "_week_start_at": day - dt.timedelta(days=day.weekday()),
        "_month_start_at": month,
        "_quarter_start_at": month.replace(month=(month.month - 1) // 3 * 3 + 1),
        "_year_start_at": month.replace(month=1),
    }


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


class SQLiteStore:
    """A thread-safe record store. ``path`` is a file, or ``:memory:``."""

    def __init__(self, path: str = ":memory:"):
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()[0]

    def save(self, data_set: str, records: Iterable[dict[str, Any]]) -> int:
        """Upsert prepared records (timestamps already datetimes); return how many."""
        now = dt.datetime.now(dt.timezone.utc)
        rows = []
        with self._lock:
            for record in records:
                stored = dict(record)
                if isinstance(stored.get("_timestamp"), dt.datetime):
                    stored.update(period_starts(stored["_timestamp"]))
                stored["_updated_at"] = now
                record_id = stored.setdefault("_id", str(uuid.uuid4()))
                self._seq += 1
                timestamp = stored.get("_timestamp")
                rows.append((data_set, record_id,
                             timestamp.isoformat() if isinstance(timestamp, dt.datetime) else None,
                             self._seq, json.dumps(stored, default=_encode)))
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO records (data_set, id, timestamp, seq, record) VALUES (?,?,?,?,?) "
                "ON CONFLICT (data_set, id) DO UPDATE SET timestamp=excluded.timestamp, "
                "seq=excluded.seq, record=excluded.record", rows)
            self._db.execute("COMMIT")
        return len(rows)

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
        for key, value in filters:
            records = [r for r in records if r.get(key) == value]
        if sort_by is not None:
            key, descending = sort_by
            records.sort(key=lambda r: (r.get(key) is None, r.get(key)), reverse=descending)
        return records[:limit] if limit is not None else records

    def data_sets(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute(
                "SELECT DISTINCT data_set FROM records ORDER BY data_set")]

    def close(self) -> None:
        self._db.close()
