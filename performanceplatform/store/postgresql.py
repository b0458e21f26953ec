"""Records in PostgreSQL (psycopg 3), with the same semantics as ``SQLiteStore``.

One table keyed by data set, as in SQLite, not one table per data set::

    records (data_set text, id text, timestamp timestamptz, seq bigint, record jsonb,
             PRIMARY KEY (data_set, id))

Why one table: the same layout and the same queries as the SQLite store (a query written
against one runs on the other); no table is created at run time from a name taken from a
config file (no identifiers to quote, no DDL privilege needed after the first run, no race
between two collectors creating a new data set's table); reading across data sets is one
``WHERE``. Each data set is still one index range, so emptying and reading one stays cheap.
Choose the schema with libpq's own URL parameter: ``?options=-csearch_path%3Dpp``.

Safe under concurrent writers: a save is one transaction of ``INSERT ... ON CONFLICT (data_set,
id) DO UPDATE``; its rows are locked in ``id`` order, so two writers never deadlock on each
other's rows (a deadlock with an ``empty`` is retried); write order (``seq``) comes from a
sequence, reserved in the order the records were given. The table is created once, under an
advisory lock, by whichever writer comes first.

``jsonb`` keeps numbers as ``numeric``, which forgets that ``1e+20`` was a float (it comes
back as the integer 100000000000000000000): such floats are written with their digits and
``.0``, so they come back as floats. NaN and Infinity, which JSON has no text for and ``jsonb``
refuses, are refused before anything of the chunk is written, naming the record and field.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Iterable
from typing import Any

from performanceplatform.store.records import refine, stored_form, timestamp_of, to_json

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    data_set text NOT NULL,
    id text NOT NULL,
    timestamp timestamptz,
    seq bigint NOT NULL,
    record jsonb NOT NULL,
    PRIMARY KEY (data_set, id)
);
CREATE SEQUENCE IF NOT EXISTS records_seq;
CREATE INDEX IF NOT EXISTS records_by_time ON records (data_set, timestamp);
CREATE INDEX IF NOT EXISTS records_by_write ON records (data_set, seq);
"""
SCHEMA_LOCK = 0x70705F7265636F72  # pg_advisory_xact_lock key: b"pp_recor"
UPSERT = ("INSERT INTO records (data_set, id, timestamp, seq, record) "
          "VALUES (%s, %s, %s, %s, %s::jsonb) ON CONFLICT (data_set, id) DO UPDATE SET "
          "timestamp = excluded.timestamp, seq = excluded.seq, record = excluded.record")
ATTEMPTS = 3
CONNECT_TIMEOUT = 10


def jsonb_text(stored: dict[str, Any]) -> str:
    """``to_json`` of a flat stored record, in a form ``jsonb`` gives back unchanged."""
    fields = []
    for key, value in stored.items():
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"record {stored.get('_id')!r}: {key} is {value!r}, which "
                                 "PostgreSQL's jsonb cannot hold")
            if "e+" in repr(value):  # whole and large: numeric would drop the exponent
                fields.append(f"{json.dumps(key)}: {int(value)}.0")
                continue
        fields.append(f"{json.dumps(key)}: {to_json(value)}")
    return "{" + ", ".join(fields) + "}"


class PostgreSQLStore:
    """A record store in the database at ``url`` (a libpq URL, ``postgresql://...``)."""

    def __init__(self, url: str, connect_timeout: int = CONNECT_TIMEOUT):
        import psycopg

        self._psycopg = psycopg
        self._db = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout)
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            for statement in filter(str.strip, SCHEMA.split(";")):
                self._db.execute(statement)

    def save(self, data_set: str, records: Iterable[dict[str, Any]]) -> int:
        """Upsert prepared records (timestamps already datetimes); return how many."""
        now = dt.datetime.now(dt.timezone.utc)
        stored = [stored_form(record, now) for record in records]
        texts = [jsonb_text(record) for record in stored]  # refused before anything is written
        self._retrying(lambda: self._save(data_set, stored, texts))
        return len(stored)

    def _save(self, data_set: str, stored: list[dict[str, Any]], texts: list[str]) -> None:
        with self._db.transaction():
            seqs = sorted(row[0] for row in self._db.execute(
                "SELECT nextval('records_seq') FROM generate_series(1, %s)", (len(stored),)))
            # a chunk that repeats an _id: the last one wins, as one upsert after another
            latest = {record["_id"]: (seq, record, text)
                      for seq, record, text in zip(seqs, stored, texts, strict=True)}
            rows = [(data_set, record_id, timestamp_of(record), seq, text)
                    for record_id, (seq, record, text) in sorted(latest.items())]
            with self._db.cursor() as cursor:
                cursor.executemany(UPSERT, rows)

    def _retrying(self, action: Any) -> None:
        errors = self._psycopg.errors
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return action()
            except (errors.DeadlockDetected, errors.SerializationFailure):
                if attempt == ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)

    def empty(self, data_set: str) -> None:
        def delete() -> None:
            with self._db.transaction():
                self._db.execute("DELETE FROM records WHERE data_set = %s", (data_set,))
        self._retrying(delete)

    def count(self, data_set: str) -> int:
        with self._db.transaction():
            return self._db.execute("SELECT COUNT(*) FROM records WHERE data_set = %s",
                                    (data_set,)).fetchone()[0]

    def query(self, data_set: str, start_at: dt.datetime | None = None,
              end_at: dt.datetime | None = None, inclusive: bool = False,
              filters: Iterable[tuple[str, Any]] = (), sort_by: tuple[str, bool] | None = None,
              limit: int | None = None) -> list[dict[str, Any]]:
        """Raw records, as ``SQLiteStore.query`` gives them."""
        sql = "SELECT record FROM records WHERE data_set = %s"
        params: list[Any] = [data_set]
        if start_at is not None:
            sql += " AND timestamp >= %s"
            params.append(start_at)
        if end_at is not None:
            sql += " AND timestamp <= %s" if inclusive else " AND timestamp < %s"
            params.append(end_at)
        with self._db.transaction():
            records = [row[0] for row in self._db.execute(sql + " ORDER BY seq", params)]
        return refine(records, filters, sort_by, limit)

    def data_sets(self) -> list[str]:
        with self._db.transaction():
            return [row[0] for row in self._db.execute(
                "SELECT DISTINCT data_set FROM records ORDER BY data_set")]

    def close(self) -> None:
        self._db.close()
