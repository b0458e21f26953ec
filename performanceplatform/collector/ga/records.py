"""Core Reporting rows → items (as gapy yielded them) → Backdrop records.

An item is ``{"start_date", "end_date", "metrics": {name: text}, "dimensions": {name: text}}``
with the names exactly as the query file wrote them. When ``date`` is a dimension gapy added
``datetime`` (a naive datetime, with ``hour`` if that is a dimension too) after the others;
that key takes part in the default ``_id``, so it is kept here in the same place.

The record builder (``utils.data_parser``) then layers the item's dimensions and the
"special fields" (each metric as a number, ``avgSessionDuration`` in milliseconds and
``timeSpan``) and gives each record its ``_id``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from performanceplatform.utils.errors import ConfigError, SourceError

from .query import TIME_SPANS, CoreQuery, parse_core_query

log = logging.getLogger(__name__)

Item = dict[str, Any]


def try_number(value: Any) -> int | float:
    """``int(value)``, else ``float(value)``, as Python 2 read them; else a SourceError.

    ``"14"`` → 14, ``"2313.13"`` → 2313.13, ``"1e3"`` → 1000.0; a float that is not text is
    truncated (``400.0`` → 400), as the original did.
    """
    if isinstance(value, str) and "_" in value:  # Python 2 did not read "1_000"
        raise SourceError(f"Google Analytics: Unable to use value as int or float: {value!r}")
    for convert in (int, float):
        try:
            return convert(value)
        except (TypeError, ValueError):
            continue
    raise SourceError(f"Google Analytics: Unable to use value as int or float: {value!r}")


def special_fields(item: Mapping[str, Any], time_span: str) -> dict[str, Any]:
    """Metrics as numbers, ``avgSessionDuration`` × 1000 (s → ms) when set, and ``timeSpan``."""
    fields: dict[str, Any] = {name: try_number(value)
                              for name, value in item.get("metrics", {}).items()}
    if fields.get("avgSessionDuration"):
        fields["avgSessionDuration"] = fields["avgSessionDuration"] * 1000
    fields["timeSpan"] = time_span
    return fields


def items_from_page(page: Mapping[str, Any], request: CoreQuery) -> Iterator[Item]:
    """One item per row of a Core Reporting answer."""
    start, end = _page_period(page, request)
    dimensions = list(request.dimensions)
    width = len(dimensions) + len(request.metrics)
    for row in page.get("rows") or []:
        cells = list(row)
        if len(cells) != width:
            raise SourceError(f"Google Analytics: a row has {len(cells)} cells, expected "
                              f"{width} (dimensions then metrics): {cells!r:.80}")
        item: Item = {
            "metrics": dict(zip(request.metrics, cells[len(dimensions):], strict=True)),
            "start_date": start,
            "end_date": end,
        }
        if dimensions:
            item["dimensions"] = _dimensions(dimensions, cells)
        yield item


def _page_period(page: Mapping[str, Any], request: CoreQuery) -> tuple[dt.date, dt.date]:
    echoed = page.get("query") if isinstance(page.get("query"), dict) else {}
    try:
        return (dt.date.fromisoformat(echoed.get("start-date") or str(request.start)),
                dt.date.fromisoformat(echoed.get("end-date") or str(request.end)))
    except ValueError:
        raise SourceError("Google Analytics: answer names a period that is not a date: "
                          f"{echoed.get('start-date')!r} - {echoed.get('end-date')!r}")


def _dimensions(names: list[str], cells: list[Any]) -> dict[str, Any]:
    values: dict[str, Any] = dict(zip(names, cells[:len(names)], strict=True))
    if "date" in values:
        text, form = values["date"], "%Y%m%d"
        if "hour" in values:
            text, form = f"{text}{values['hour']}", "%Y%m%d%H"
        try:
            values["datetime"] = dt.datetime.strptime(str(text), form)
        except ValueError:
            raise SourceError(f"Google Analytics: row has a date that is not {form}: {text!r}")
    return values


def query_items(client: Any, request: CoreQuery, periods: Iterable[tuple[dt.date, dt.date]]
                ) -> Iterator[Item]:
    """Items of every period, in period order."""
    for start, end in periods:
        log.info("Querying GA for data in the period: %s - %s", start, end)
        period_request = request.for_period(start, end)
        for page in client.pages(period_request):
            yield from items_from_page(page, period_request)


def periods_for(start_at: Any, end_at: Any, frequency: str) -> list[tuple[dt.date, dt.date]]:
    """The periods of a run; bad or half-given dates are a ConfigError."""
    from performanceplatform.utils.datetimeutil import period_range

    try:
        return list(period_range(start_at, end_at, frequency))
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc), key="--start/--end")


def query_documents_for(client: Any, query: Mapping[str, Any], options: Mapping[str, Any],
                        data_type: str, start_at: Any, end_at: Any) -> list[dict[str, Any]]:
    """All records of a core query over the run's periods (plugins applied)."""
    from performanceplatform.utils.data_parser import DataParser

    request, frequency = parse_core_query(query)
    periods = periods_for(start_at, end_at, frequency)
    items = list(query_items(client, request, periods))
    time_span = TIME_SPANS[frequency]
    specials = [special_fields(item, time_span) for item in items]
    return DataParser(items, options, data_type).get_data(specials)
