"""The small plugins: ids, comments, ranks and key removal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from performanceplatform.utils.data_parser import Document, value_id
from performanceplatform.utils.plugins.errors import PluginKeyError
from performanceplatform.utils.py2compat import py2_str


class Comment:
    """``Comment('any text', ...)``: a note in the config; the records pass unchanged."""

    def __init__(self, *args: Any):
        self.args = args

    def __call__(self, documents: list[Document]) -> list[Document]:
        return documents


class ComputeIdFrom:
    """``ComputeIdFrom('field', ...)``: ``humanId`` is the fields' values joined by ``_``
    (datetimes as ``%Y%m%d%H%M%S`` in UTC), ``_id`` its URL-safe base64."""

    def __init__(self, *fields: str):
        self.fields = fields

    def __call__(self, documents: list[Document]) -> list[Document]:
        for doc in documents:
            doc["_id"], doc["humanId"] = value_id(self.id_string(doc))
        return documents

    def id_string(self, doc: Document) -> str:
        parts = []
        for field in self.fields:
            if field not in doc:
                raise PluginKeyError(f"ComputeIdFrom: a record has no field {field!r}")
            parts.append(_stringify(doc[field]))
        return "_".join(parts)


def _stringify(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            # Python 3 would silently read it as local time; the original refused.
            raise ValueError("astimezone() cannot be applied to a naive datetime")
        return value.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    return py2_str(value)


class ComputeRank:
    """``ComputeRank('rank')``: numbers the records 1, 2, 3, ... in their current order."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, documents: list[Document]) -> list[Document]:
        for rank, doc in enumerate(documents, start=1):
            doc[self.name] = rank
        return documents


class RemoveKey:
    """``RemoveKey('key', ...)``: deletes the keys from every record (all must exist)."""

    def __init__(self, *keys: str):
        self.keys = keys

    def __call__(self, documents: list[Document]) -> list[Document]:
        for doc in documents:
            for key in self.keys:
                if key not in doc:
                    raise PluginKeyError(f"RemoveKey: a record has no field {key!r}")
                del doc[key]
        return documents
