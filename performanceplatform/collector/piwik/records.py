"""Piwik/Matomo answers become Backdrop records (spec sources.md §4.2–4.3).

Periodic reports answer an object keyed by period (``2015-02-13``, ``From 2015-02-02 to
2015-02-08`` or ``2015-02-02,2015-02-08``, ``2015-02``) whose values are a list of rows or
one row. Each row keeps only the columns named in ``options.mappings`` (renamed), gets
``timeSpan`` (``day``/``week``/``month``) and goes through the shared record builder, which
adds ``_timestamp``, ``dataType``, ``humanId`` and ``_id``.

Periods come in the order the original's Python 2 dict gave them, so records are written in
the same order as before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from performanceplatform.records.py2compat import py2_items, py2_order
from performanceplatform.utils.errors import SourceError

PERIOD_START = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def period_start(key: str) -> dt.date:
    """The first date in a period label; a bare ``YYYY-MM`` is the 1st of that month."""
    match = PERIOD_START.search(key)
    if match is None:
        raise SourceError(f"piwik: cannot find a date in the period label {key!r}")
    text = match.group(0)
    if len(text) == 10:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    return dt.datetime.strptime(text, "%Y-%m").date()


def period_rows(answer: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(period label, row)`` pairs of a multi-period answer, in the original's order."""
    if not isinstance(answer, dict):
        raise SourceError("piwik: expected an object keyed by period (ask for a date range "
                          f"or previousN), got a JSON {type(answer).__name__}")
    for key in py2_order(answer):
        value = answer[key]
        rows = [value] if isinstance(value, dict) else value
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise SourceError(f"piwik: period {key!r} holds {type(value).__name__}, not rows")
        for row in rows:
            yield key, row


def special_fields(row: Mapping[str, Any], mappings: Mapping[str, str], time_span: str,
                   period: str) -> dict[str, Any]:
    """The mapped columns of a row (the others are dropped) and ``timeSpan``."""
    fields: dict[str, Any] = {}
    for old_key, new_key in py2_items(mappings):
        if old_key not in row:
            raise SourceError(f"piwik: a row of period {period!r} has no column {old_key!r} "
                              "(named in options.mappings)")
        fields[new_key] = row[old_key]
    fields["timeSpan"] = time_span
    return fields


def core_pairs(rows: Iterable[tuple[str, dict[str, Any]]], mappings: Mapping[str, str],
               time_span: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(item, special fields)`` of each ``(period label, row)``."""
    for period, row in rows:
        yield ({"start_date": period_start(period)},
               special_fields(row, mappings, time_span, period))


def core_records(answer: Any, options: Mapping[str, Any], data_type: str,
                 time_span: str) -> list[dict[str, Any]]:
    """The records of a periodic report (as the pipeline builds them)."""
    from performanceplatform.pipeline.records import RecordBuilder

    builder = RecordBuilder(options, data_type)
    pairs = core_pairs(period_rows(answer), options.get("mappings") or {}, time_span)
    return builder.finish(list(builder.records(pairs)))


def realtime_record(answer: Any, now: dt.datetime) -> dict[str, Any]:
    """The one record of ``Live.getCounters``: visitors now, stamped with ``now``."""
    try:
        visitors = int(answer[0]["visitors"])
    except (LookupError, TypeError, ValueError):
        raise SourceError("piwik: expected Live.getCounters' answer, a list holding "
                          f"{{'visitors': ...}}, got {str(answer)[:120]}")
    stamp = now.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()
    return {"_timestamp": stamp, "_id": stamp, "unique_visitors": visitors, "for_url": ""}
