"""GA4 rows become ``(item, special fields)`` pairs through the Google row mapper shared
with the v3 collector (``google.rows``), so records and ids are built the same way.

A GA4 row is ``{"dimensionValues": [{"value": ...}], "metricValues": [{"value": ...}]}`` in
the query's order. The default id is therefore
``{dataType}_{period start}_{timeSpan}_{dimension values}`` with the values in the order the
original's Python 2 dicts gave, so it is stable from run to run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from performanceplatform.google import rows as google_rows
from performanceplatform.utils.errors import SourceError

SOURCE = "ga4"

Item = dict[str, Any]


class Values(NamedTuple):
    """A row's dimension and metric values without their JSON wrapping: the fetched rows of a
    period wait for ``build`` in this form (a third of a parsed row's memory)."""

    dimensions: tuple[Any, ...]
    metrics: tuple[Any, ...]


def values_of(row: dict[str, Any] | Values) -> Values:
    if isinstance(row, Values):
        return row
    return Values(tuple(v.get("value") for v in row.get("dimensionValues") or ()),
                  tuple(v.get("value") for v in row.get("metricValues") or ()))


def to_item(row: dict[str, Any] | Values, dimensions: Sequence[str], metrics: Sequence[str],
            period: tuple[dt.date, dt.date]) -> Item:
    dims, mets = values_of(row)
    if len(dims) != len(dimensions) or len(mets) != len(metrics):
        raise SourceError(f"ga4: a row has {len(dims)} dimension and {len(mets)} metric "
                          f"values for {len(dimensions)} dimensions and {len(metrics)} metrics")
    return google_rows.to_item(dimensions, dims, metrics, mets, period, SOURCE, ga4=True)


def special_fields(item: Mapping[str, Any], time_span: str) -> dict[str, Any]:
    return google_rows.special_fields(item["metrics"], time_span, SOURCE)


def items_for(rows: Iterable[dict[str, Any] | Values], dimensions: Sequence[str],
              metrics: Sequence[str],
              period: tuple[dt.date, dt.date], time_span: str) -> Iterator[tuple[Item, dict]]:
    """(item, special fields) for each row of one period."""
    for row in rows:
        item = to_item(row, dimensions, metrics, period)
        yield item, special_fields(item, time_span)
