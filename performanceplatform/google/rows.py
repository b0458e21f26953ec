"""The Google Analytics row mapper and frequency table, shared by GA v3 and GA4.

A report row becomes the item the record builder takes, shaped as gapy (the library of the
original collector) yielded it, so records and ids are those of the original::

    {"metrics": {<metric name>: <text>, ...}, "start_date": <period start>,
     "end_date": <period end>,
     "dimensions": {<dimension name>: <text>, ..., "datetime": <naive datetime>}}

``dimensions`` keeps the query's order (absent when none were asked for), then ``datetime``
when ``date`` is a dimension (``date`` + ``hour`` when both are; GA4's ``dateHour`` too). Its
special fields are the metrics as numbers (``int``, else ``float``, as Python 2 read them),
session durations in milliseconds (v3 ``avgSessionDuration``, GA4
``averageSessionDuration``), and ``timeSpan`` (``day``/``week``/``month``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from performanceplatform.records.periods import DEFAULT_FREQUENCY
from performanceplatform.records.periods import TIME_SPANS as FREQUENCIES
from performanceplatform.utils.errors import SourceError

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_FREQUENCY", "FREQUENCIES", "special_fields", "to_item", "to_number"]
MILLISECOND_METRICS = frozenset({"avgSessionDuration", "averageSessionDuration"})

Item = dict[str, Any]


def to_number(value: Any, metric: str, source: str) -> int | float:
    """``int(value)``, else ``float(value)``, as Python 2 read them; else a ``SourceError``.

    ``"14"`` → 14, ``"2313.13"`` → 2313.13, ``"1e3"`` → 1000.0; a float that is not text is
    truncated (``400.0`` → 400), as the original did; ``"1_000"`` is refused, as Python 2 did.
    """
    if not (isinstance(value, str) and "_" in value):
        for convert in (int, float):
            try:
                return convert(value)
            except (TypeError, ValueError):
                continue
    raise SourceError(f"{source}: Unable to use value as int or float: {value!r:.40} "
                      f"(metric {metric} is not a number)")


def special_fields(metrics: Mapping[str, Any], time_span: str, source: str) -> dict[str, Any]:
    """The metrics as numbers (durations × 1000 when set) and ``timeSpan``."""
    fields: dict[str, Any] = {}
    for name, text in metrics.items():
        value = to_number(text, name, source)
        if name in MILLISECOND_METRICS and value:
            value = value * 1000
        fields[name] = value
    fields["timeSpan"] = time_span
    return fields


def row_datetime(values: Mapping[str, Any], source: str, strict: bool,
                 date_hour: bool) -> dt.datetime | None:
    """The naive datetime of ``date`` (+ ``hour``), or of ``dateHour`` when ``date_hour``
    (GA4; gapy ignored v3's); ``None`` when there is none. A date that does not parse is a
    ``SourceError`` when ``strict`` (v3, as gapy failed), else a warning and no datetime
    (GA4's ``(other)`` rows)."""
    if "date" in values:
        text, form = str(values["date"]), "%Y%m%d"
        if "hour" in values:
            text, form = f"{text}{values['hour']}", "%Y%m%d%H"
    elif date_hour and "dateHour" in values:
        text, form = str(values["dateHour"]), "%Y%m%d%H"
    else:
        return None
    try:
        return _parsed(text, form)
    except ValueError:
        if strict:
            raise SourceError(f"{source}: row has a date that is not {form}: {text!r}")
        log.warning("%s: a row's date %r is not a date; its record has no datetime", source,
                    text)
        return None


@lru_cache(maxsize=4096)
def _parsed(text: str, form: str) -> dt.datetime:
    """``strptime``, remembered: a period's rows share a handful of dates (datetimes are
    immutable, so sharing one is safe)."""
    return dt.datetime.strptime(text, form)


def to_item(dimensions: Sequence[str], dimension_values: Sequence[Any],
            metrics: Sequence[str], metric_values: Sequence[Any],
            period: tuple[dt.date, dt.date], source: str, ga4: bool) -> Item:
    """The item of one row (the caller has checked the number of values). ``ga4``: a date
    that does not parse leaves no datetime, and ``dateHour`` gives one."""
    item: Item = {"metrics": dict(zip(metrics, metric_values, strict=True)),
                  "start_date": period[0], "end_date": period[1]}
    if dimensions:
        values: dict[str, Any] = dict(zip(dimensions, dimension_values, strict=True))
        when = row_datetime(values, source, strict=not ga4, date_hour=ga4)
        if when is not None:
            values["datetime"] = when
        item["dimensions"] = values
    return item
