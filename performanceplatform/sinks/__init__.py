"""Where records go: a Backdrop, or a local store for anyone without one.

``backdrop_url`` (or ``--store URL``) names the store; ``sinks.url`` lists the forms. Every
local store is a ``Sink`` (``sinks.base``): one module each, ``sqlite``, ``postgresql`` and
``jsonl``, all with Backdrop's validation, and the SQL ones with its upsert by ``_id``
(through ``performanceplatform.store``, the sandbox Backdrop's own store code).

Routing happens in one place, ``data_set_for``: a Backdrop URL gives the HTTP client
(``client.DataSet``), any other store a ``sinks.store_data_set.StoreDataSet`` around
``open_sink(...)``, with the same ``post``/``empty_data_set``, chunking, failure wording and
dry run. ``Pusher`` (``sinks.pusher``) writes through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from performanceplatform.sinks.base import Sink
from performanceplatform.sinks.url import (
    BACKDROP,
    JSONL,
    POSTGRESQL,
    SQLITE,
    StoreURLError,
    parse_store_url,
    store_problem,
    url_secrets,
)

if TYPE_CHECKING:
    from performanceplatform.client.data_set import DataSet

__all__ = ["Sink", "StoreURLError", "data_set_for", "is_backdrop", "open_sink",
           "parse_store_url", "store_problem", "url_secrets"]


def is_backdrop(url: str) -> bool:
    """Whether ``url`` is a Backdrop (an ``http(s)://`` URL) rather than a local store."""
    try:
        return parse_store_url(url).kind == BACKDROP
    except StoreURLError:
        return True  # not a store URL: the Backdrop client reports it as it always did


def open_sink(url: str, data_group: str, data_type: str) -> Sink:
    """The sink of one data set in the local store ``url`` (nothing is opened yet)."""
    parsed = parse_store_url(url)
    if parsed.kind == SQLITE:
        from performanceplatform.sinks.sqlite import SQLiteSink
        return SQLiteSink(parsed.target, parsed.shown, data_group, data_type)
    if parsed.kind == POSTGRESQL:
        from performanceplatform.sinks.postgresql import PostgreSQLSink
        return PostgreSQLSink(parsed.target, parsed.shown, data_group, data_type)
    if parsed.kind == JSONL:
        from performanceplatform.sinks.jsonl import JsonLinesSink
        return JsonLinesSink(parsed.target, parsed.shown, data_group, data_type)
    raise StoreURLError(f"{parsed.shown!r} is a Backdrop, not a local store")


def data_set_for(config: dict[str, Any]) -> DataSet:
    """The data set a collector's ``data_set_config`` writes to: a ``config["store"]`` that is
    not a Backdrop gives a ``StoreDataSet`` with the Backdrop client's API; otherwise the
    Backdrop at ``config["url"]``."""
    from performanceplatform.client.data_set import DataSet

    store = config.get("store")
    if store and not is_backdrop(store):
        from performanceplatform.sinks.store_data_set import StoreDataSet

        sink = open_sink(store, config["data-group"], config["data-type"])
        return StoreDataSet(sink, config["dry_run"])
    return DataSet(config["url"], config["token"], config["dry_run"])
