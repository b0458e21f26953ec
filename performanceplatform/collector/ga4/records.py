"""GA4 rows become the items and special fields the record builder (``DataParser``) takes.

The item of a row is shaped like the v3 collector's, so records and ids are built the same
way::

    {"start_date": <period start>, "end_date": <period end>,
     "metrics": {<metric name>: <text>, ...},
     "dimensions": {<dimension name>: <text>, ..., "datetime": <naive datetime>}}

``dimensions`` holds the requested dimensions in query order (absent when none were asked
for), plus ``datetime`` when ``date`` is one of them (``date`` + ``hour`` when both are, or
``dateHour``), as v3 did. The special fields are the metrics as numbers (``int``, else
``float``; ``averageSessionDuration`` is turned into milliseconds as v3's
``avgSessionDuration`` was) and ``timeSpan`` (``day``/``week``/``month``). The default id is
therefore ``{dataType}_{period start}_{timeSpan}_{dimension values}`` with the values in the
order the original's Python 2 dicts gave, so it is stable from run to run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from performanceplatform.utils.errors import SourceError

log = logging.getLogger(__name__)

MILLISECOND_METRICS = frozenset({"averageSessionDuration"})

Item = dict[str, Any]
Row = tuple[dict[str, Any], dict[str, Any]]


def to_number(value: Any, metric: str) -> int | float:
    """``int`` when the text is whole, else ``float``; a ``SourceError`` for anything else."""
    try:
        return int(value)
    except (TypeError, ValueError):
        pass
    try:
        return float(value)
    except (TypeError, ValueError):
        raise SourceError(f"ga4: metric {metric} has the value {value!r:.40}, not a number")


def row_datetime(dimensions: dict[str, str]) -> dt.datetime | None:
    """The naive datetime of a row's ``date`` (+ ``hour``) or ``dateHour``, if it parses."""
    if "date" in dimensions:
        text, fmt = dimensions["date"], "%Y%m%d"
        if "hour" in dimensions:
            text, fmt = text + dimensions["hour"], "%Y%m%d%H"
    elif "dateHour" in dimensions:
        text, fmt = dimensions["dateHour"], "%Y%m%d%H"
    else:
        return None
    try:
        return dt.datetime.strptime(text, fmt)
    except ValueError:
        log.warning("ga4: a row's date %r is not a date; its record has no datetime", text)
        return None


def to_item(row: dict[str, Any], dimensions: Sequence[str], metrics: Sequence[str],
            period: tuple[dt.date, dt.date]) -> Item:
    dims = [v.get("value") for v in row.get("dimensionValues") or []]
    mets = [v.get("value") for v in row.get("metricValues") or []]
    if len(dims) != len(dimensions) or len(mets) != len(metrics):
        raise SourceError(f"ga4: a row has {len(dims)} dimension and {len(mets)} metric "
                          f"values for {len(dimensions)} dimensions and {len(metrics)} metrics")
    item: Item = {"metrics": dict(zip(metrics, mets, strict=True)), "start_date": period[0],
                  "end_date": period[1]}
    if dimensions:
        values = dict(zip(dimensions, dims, strict=True))
        when = row_datetime(values)
        if when is not None:
            values["datetime"] = when
        item["dimensions"] = values
    return item


def special_fields(item: Item, time_span: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, text in item["metrics"].items():
        value = to_number(text, name)
        if name in MILLISECOND_METRICS and value:
            value = value * 1000
        fields[name] = value
    fields["timeSpan"] = time_span
    return fields


def items_for(rows: Iterable[dict[str, Any]], dimensions: Sequence[str], metrics: Sequence[str],
              period: tuple[dt.date, dt.date], time_span: str) -> Iterator[tuple[Item, dict]]:
    """(item, special fields) for each row of one period."""
    for row in rows:
        item = to_item(row, dimensions, metrics, period)
        yield item, special_fields(item, time_span)
