"""Core Reporting rows → items (as gapy yielded them) → Backdrop records.

An item is ``{"start_date", "end_date", "metrics": {name: text}, "dimensions": {name: text}}``
with the names exactly as the query file wrote them. When ``date`` is a dimension gapy added
``datetime`` (a naive datetime, with ``hour`` if that is a dimension too) after the others;
that key takes part in the default ``_id``, so it is kept here in the same place.

The record builder (``records.data_parser``) then layers the item's dimensions and the
"special fields" (each metric as a number, ``avgSessionDuration`` in milliseconds and
``timeSpan``) and gives each record its ``_id``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from performanceplatform.google import rows as google_rows
from performanceplatform.utils.errors import SourceError

from .query import CoreQuery

log = logging.getLogger(__name__)

SOURCE = "Google Analytics"

Item = dict[str, Any]


def special_fields(item: Mapping[str, Any], time_span: str) -> dict[str, Any]:
    """Metrics as numbers, ``avgSessionDuration`` × 1000 (s → ms) when set, and ``timeSpan``."""
    return google_rows.special_fields(item.get("metrics", {}), time_span, SOURCE)


def items_from_page(page: Mapping[str, Any], request: CoreQuery) -> Iterator[Item]:
    """One item per row of a Core Reporting answer."""
    period = _page_period(page, request)
    dimensions = list(request.dimensions)
    width = len(dimensions) + len(request.metrics)
    for row in page.get("rows") or []:
        cells = list(row)
        if len(cells) != width:
            raise SourceError(f"Google Analytics: a row has {len(cells)} cells, expected "
                              f"{width} (dimensions then metrics): {cells!r:.80}")
        yield google_rows.to_item(dimensions, cells[:len(dimensions)], request.metrics,
                                  cells[len(dimensions):], period, SOURCE, ga4=False)


def _page_period(page: Mapping[str, Any], request: CoreQuery) -> tuple[dt.date, dt.date]:
    echoed = page.get("query") if isinstance(page.get("query"), dict) else {}
    try:
        return (dt.date.fromisoformat(echoed.get("start-date") or str(request.start)),
                dt.date.fromisoformat(echoed.get("end-date") or str(request.end)))
    except ValueError:
        raise SourceError("Google Analytics: answer names a period that is not a date: "
                          f"{echoed.get('start-date')!r} - {echoed.get('end-date')!r}")
