"""Webtrends answers become records: the v2 and v3 response parsers, then ``DataParser``.

Each parser turns one ``data`` blob into ``(start_date, fields)`` pairs: the start of the
row's period (UTC) and the row's measures (plus, for reports, the row's name under the
``row_type_name`` option). ``DataParser`` then applies ``mappings``, ``additionalFields``,
``idMapping``, ``dataType`` and ``plugins`` as for every collector.

Rows come out in the order the original's Python 2 dicts gave them, so a run writes its
records in the same order as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from performanceplatform.records.py2compat import py2_items, py2_values

UTC = dt.timezone.utc

Row = tuple[dt.datetime, dict[str, Any]]


class ShapeError(ValueError):
    """A Webtrends answer does not have the shape its API version promises."""


def _utc(text: str, fmt: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, fmt).replace(tzinfo=UTC)
    except (TypeError, ValueError):
        raise ShapeError(f"period label {text!r} is not in the format {fmt!r}")


def _expect(value: Any, kind: type, what: str, version: str) -> Any:
    if not isinstance(value, kind):
        other = "v3" if version == "v2" else "v2"
        raise ShapeError(f"{what} is a {type(value).__name__}, not a {kind.__name__} as in a "
                         f"{version} answer (is credentials 'api_version' meant to be "
                         f"{other!r}?)")
    return value


def _measures(row: Any, name: str) -> dict[str, Any]:
    measures = row.get("measures") if isinstance(row, Mapping) else None
    if not isinstance(measures, Mapping):
        raise ShapeError(f"row {name!r} has no 'measures' object")
    return dict(measures)


def v3_start(item: Mapping[str, Any]) -> dt.datetime:
    """A v3 element's ``start_date``: ``2015-03-02`` or a month ``2015-03`` (day 1), UTC."""
    start = item.get("start_date") if isinstance(item, Mapping) else None
    if not isinstance(start, str):
        raise ShapeError("a data element has no 'start_date'")
    return _utc(start, "%Y-%m-%d" if len(start.split("-")) == 3 else "%Y-%m")


def v2_hour(label: str) -> dt.datetime:
    """A v2 key-metrics row label ``10/30/2014 13`` as 13:00 UTC that day."""
    return _utc(label, "%m/%d/%Y %H")


def v2_day(label: str) -> dt.datetime:
    """A v2 report label ``10/14/2014-10/15/2014``: its first day, midnight UTC."""
    return _utc(label.split("-")[0], "%m/%d/%Y")


def keymetrics_v2(data: Any) -> Iterator[Row]:
    """Every non-null hourly row under each range's ``SubRows``."""
    for _label, blob in py2_items(_expect(data, dict, "'data'", "v2")):
        sub_rows = blob.get("SubRows") if isinstance(blob, Mapping) else None
        if not sub_rows:
            continue
        for label, row in py2_items(_expect(sub_rows, dict, "'SubRows'", "v2")):
            start = v2_hour(label)
            if row is not None:
                yield start, _measures(row, label)


def keymetrics_v3(data: Any) -> Iterator[Row]:
    """One row per profile under each period element's ``SubRows``."""
    for item in _expect(data, list, "'data'", "v3"):
        start = v3_start(item)
        sub_rows = item.get("SubRows") or {}
        for row in py2_values(_expect(sub_rows, dict, "'SubRows'", "v3")):
            if row:
                yield start, _measures(row, item["start_date"])


def reports_v2(data: Any, row_type_name: str) -> Iterator[Row]:
    """One row per dimension value under each period's ``SubRows``."""
    for label, blob in py2_items(_expect(data, dict, "'data'", "v2")):
        start = v2_day(label)
        sub_rows = blob.get("SubRows") if isinstance(blob, Mapping) else None
        for name, row in py2_items(_expect(sub_rows or {}, dict, "'SubRows'", "v2")):
            if row is not None:
                yield start, {row_type_name: name, **_measures(row, name)}


def reports_v3(data: Any, row_type_name: str) -> Iterator[Row]:
    """One row per dimension value in the first ``SubRows`` object of each element."""
    for item in _expect(data, list, "'data'", "v3"):
        start = v3_start(item)
        sub_rows = _expect(item.get("SubRows") or [], list, "'SubRows'", "v3")
        if not sub_rows:
            continue
        for name, row in py2_items(_expect(sub_rows[0], dict, "'SubRows[0]'", "v3")):
            if row is not None:
                yield start, {row_type_name: name, **_measures(row, name)}


Parser = Callable[[Any], Iterator[Row]]


def pairs(rows: Iterable[Row]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(item, special fields)`` of each parsed row."""
    for start, fields in rows:
        yield {"start_date": start}, fields


def build_records(rows: Iterable[Row], options: Mapping[str, Any], data_type: str
                  ) -> list[dict[str, Any]]:
    """Records with ids, as the pipeline builds them (``pipeline.records``)."""
    from performanceplatform.pipeline.records import RecordBuilder

    builder = RecordBuilder(options, data_type)
    return builder.finish(list(builder.records(pairs(rows))))
