"""The ``Sink`` protocol every store implements, and the record check they share.

A sink is one data set in one store. ``write`` takes one chunk of records, as a Backdrop
would be POSTed them (JSON values; ``as_posted`` makes them so), and stores all of them or
none: a refused chunk raises ``SinkError``. Chunking, the accounting of what was written
and the dry run stay with the caller (today ``sinks.store_data_set.StoreDataSet``, which
shares them with the Backdrop client), so they mean the same for every store.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from performanceplatform.store import validate_records
from performanceplatform.store.validation import InvalidRecord
from performanceplatform.utils.errors import SinkError


class Sink(Protocol):
    def write(self, records: list[dict[str, Any]]) -> None:
        """Store one chunk, all of it or none of it (``SinkError``)."""

    def empty(self) -> None:
        """Remove every record of the data set."""

    def describe(self) -> str:
        """Where the records go, for messages: no secret in it."""

    def close(self) -> None:
        """Release the connection or file; a later write opens it again."""


def as_posted(records: Any) -> list[dict[str, Any]]:
    """The records as a Backdrop receives them: a list, through JSON (datetimes become ISO
    8601 text, a naive one taken as UTC), so every store keeps exactly the same values."""
    from performanceplatform.client.base import encode_json

    posted = json.loads(encode_json(records))
    return posted if isinstance(posted, list) else [posted]


def checked(records: list[Any], where: str) -> list[dict[str, Any]]:
    """Backdrop's validation of a chunk: the prepared records, or a ``SinkError`` listing every
    problem, as Backdrop's 400 answer does."""
    try:
        prepared, errors = validate_records(records)
    except InvalidRecord as exc:
        raise SinkError(f"{where} refused the records: {exc}", url=where)
    if errors:
        raise SinkError(f"{where} refused the records: {'; '.join(errors)}", url=where)
    return prepared
