"""What a store holds, in a few bounded SQL queries (the sandbox's page ``/`` shows it).

For each data set: its record count, its last write (``_updated_at`` of the record written
last), its ``_timestamp`` range, the record written last, and for each numeric field a
series of at most ``max_points + 1`` points over ``_timestamp``.

A point is the sum of the field over the records that share one ``_timestamp`` (so records
split by a dimension add up). When a data set has more timestamps than fit, the points are
taken at evenly spaced times: from the first ``_timestamp``, each next point is the first
``_timestamp`` at least ``range / points`` (and one second) later, found by a seek in the
``(data_set, timestamp)`` index, and the last ``_timestamp`` is always a point. ``points`` is
``max_points``, or fewer when the records at the first and last timestamps say that
``max_points`` timestamps hold more than ``row_budget`` records (a data set split by a
dimension with thousands of values). The work is therefore bounded by the budget, not by the
size of the data set: the charts of a data set of a million records cost about what those of
a few thousand do. ``every_timestamp`` says whether every record is in the chart or the
points are a sample.

Numeric fields are those with a JSON number value in the first and last ``SAMPLE`` records by
``_timestamp``; keys that Backdrop would refuse (anything but letters, digits and ``_``) and
internal keys (``_…``) are not charted.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

MAX_POINTS = 200
ROW_BUDGET = 50_000
MAX_FIELDS = 12
SAMPLE = 200
CHARTABLE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]*$")
ONE_SECOND = 1 / 86400  # in days, SQLite's julianday unit

_COUNTS = "SELECT data_set, COUNT(*) FROM records GROUP BY data_set ORDER BY data_set"
_LAST_WRITTEN = "SELECT record FROM records WHERE data_set = ? ORDER BY seq DESC LIMIT 1"
# Two subqueries: SQLite answers a lone MIN() or MAX() with one index seek, not a scan.
_RANGE = """
SELECT first, last, julianday(last) - julianday(first) FROM (
    SELECT (SELECT MIN(timestamp) FROM records WHERE data_set = :data_set) AS first,
           (SELECT MAX(timestamp) FROM records WHERE data_set = :data_set) AS last)
"""
_AT = "SELECT COUNT(*) FROM records WHERE data_set = ? AND timestamp = ?"
_NUMERIC_KEYS = """
SELECT DISTINCT key FROM (
    SELECT record FROM (SELECT record FROM records WHERE data_set = :data_set
                        AND timestamp IS NOT NULL ORDER BY timestamp LIMIT :sample)
    UNION ALL
    SELECT record FROM (SELECT record FROM records WHERE data_set = :data_set
                        AND timestamp IS NOT NULL ORDER BY timestamp DESC LIMIT :sample)
), json_each(record) WHERE type IN ('integer', 'real') ORDER BY key
"""
# Each step is one index seek; the last _timestamp is always a point. Timestamps are stored
# as UTC ISO text, so they compare as text.
_POINTS = """
WITH RECURSIVE picks(ts) AS (
    SELECT MIN(timestamp) FROM records WHERE data_set = :data_set
    UNION ALL
    SELECT (SELECT MIN(timestamp) FROM records WHERE data_set = :data_set AND timestamp >=
            strftime('%Y-%m-%dT%H:%M:%S+00:00', julianday(picks.ts) + :step))
    FROM picks WHERE picks.ts IS NOT NULL LIMIT :limit
), ends(ts) AS (
    SELECT ts FROM picks UNION SELECT MAX(timestamp) FROM records WHERE data_set = :data_set
)
SELECT ends.ts, COUNT(*){sums} FROM ends
JOIN records ON records.data_set = :data_set AND records.timestamp = ends.ts
GROUP BY ends.ts ORDER BY ends.ts
"""


class Selectable(Protocol):
    def select(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]: ...


@dataclass
class DataSetSummary:
    name: str
    records: int
    last_write: str | None = None
    first_timestamp: str | None = None
    last_timestamp: str | None = None
    last_record: dict[str, Any] | None = None
    series: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    every_timestamp: bool = True
    fields_not_charted: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def summarise(store: Selectable, max_points: int = MAX_POINTS,
              row_budget: int = ROW_BUDGET) -> list[DataSetSummary]:
    """A summary of every data set in ``store``, by name."""
    return [summarise_data_set(store, name, count, max_points, row_budget)
            for name, count in store.select(_COUNTS)]


def summarise_data_set(store: Selectable, name: str, count: int, max_points: int = MAX_POINTS,
                       row_budget: int = ROW_BUDGET) -> DataSetSummary:
    summary = DataSetSummary(name, count)
    [(last,)] = store.select(_LAST_WRITTEN, (name,)) or [(None,)]
    if last is not None:
        summary.last_record = json.loads(last)
        summary.last_write = summary.last_record.get("_updated_at")
    first, final, days = store.select(_RANGE, {"data_set": name})[0]
    summary.first_timestamp, summary.last_timestamp = first, final
    if first is None:
        return summary
    keys = [row[0] for row in store.select(_NUMERIC_KEYS, {"data_set": name, "sample": SAMPLE})
            if isinstance(row[0], str) and CHARTABLE_KEY.match(row[0])]
    summary.fields_not_charted = keys[MAX_FIELDS:]
    if keys:
        per_timestamp = max(store.select(_AT, (name, first))[0][0],
                            store.select(_AT, (name, final))[0][0])
        points = max(2, min(max_points, row_budget // per_timestamp))
        _add_series(store, summary, keys[:MAX_FIELDS], days, points)
    return summary


def _add_series(store: Selectable, summary: DataSetSummary, keys: list[str], days: float,
                points: int) -> None:
    sums = "".join(f", SUM(json_extract(record, '$.{key}'))" for key in keys)
    rows = store.select(_POINTS.format(sums=sums), {
        "data_set": summary.name, "step": max(days / points, ONE_SECOND), "limit": points})
    summary.every_timestamp = sum(row[1] for row in rows) == summary.records
    for index, key in enumerate(keys, start=2):
        summary.series[key] = [(row[0], row[index]) for row in rows if row[index] is not None]
