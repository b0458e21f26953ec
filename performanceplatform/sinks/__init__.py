"""Where records go: a Backdrop, or a local store for anyone without one.

``backdrop_url`` (or ``--store URL``) names the store; ``sinks.url`` lists the forms. Every
local store is a ``Sink`` (``sinks.base``): one module each, ``sqlite``, ``postgresql`` and
``jsonl``, all with Backdrop's validation, and the SQL ones with its upsert by ``_id``
(through ``performanceplatform.store``, the sandbox Backdrop's own store code).

Routing happens in one place, ``client.DataSet.from_config``: a Backdrop URL gives the HTTP
client, any other store a ``client.StoreDataSet`` around ``open_sink(...)``, with the same
``post``/``empty_data_set``, chunking, failure wording and dry run.
"""

from __future__ import annotations

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

__all__ = ["Sink", "StoreURLError", "is_backdrop", "open_sink", "parse_store_url",
           "store_problem", "url_secrets"]


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
