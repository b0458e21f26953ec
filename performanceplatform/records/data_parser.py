"""Rows become Backdrop records, with the ids the original collector gave them.

Each item a source yields (``{"start_date": date, "dimensions": {...}}``, plus whatever the
source adds) and its "special fields" (metrics, ``timeSpan``, ...) become one record:

1. layers, later ones winning: ``_timestamp``/``dataType``, ``options.additionalFields``,
   the item's dimensions, the special fields;
2. ``options.mappings`` renames keys (``name_N`` keys pick the N-th ``:``-separated part);
3. ``humanId`` is either the values of ``options.idMapping`` concatenated, or the default
   ``{dataType}_{YYYYmmddHHMMSS}_{timeSpan}_{dimension values...}``; ``_id`` is its URL-safe
   base64;
4. ``options.plugins`` run over all records.

Where the original's result depended on Python 2 dict order (the dimension values of the
default id, which of two keys mapped to one name survives) that order is emulated by
:mod:`performanceplatform.records.py2compat`, so ids are byte-identical to the ones already
in Backdrop. Pass ``dimensions`` with its keys inserted in the order the original inserted
them (for GA: the query's dimensions in order, then ``datetime``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from functools import lru_cache
from itertools import zip_longest
from typing import Any, TypeGuard

from performanceplatform.records.ids import Document, value_id
from performanceplatform.records.periods import to_datetime
from performanceplatform.records.py2compat import py2_merged_order, py2_order, py2_str
from performanceplatform.utils.checks import did_you_mean
from performanceplatform.utils.errors import ConfigError

log = logging.getLogger(__name__)

_MULTI_VALUE_KEY = re.compile(r"^(.*)_(\d*)$")
_MISSING = object()


class MappingError(ConfigError, ValueError):
    """A ``mappings`` entry cannot be applied (a ValueError, as in the original)."""

    def __init__(self, message: str):
        super().__init__(message, where="options.mappings")

    def __str__(self) -> str:
        return " ".join(Exception.__str__(self).split("\n"))


class DataParser:
    """Builds the records of one run from the items a source returned.

    ``options`` is the query file's ``options``: ``dataType``, ``mappings``, ``idMapping``,
    ``additionalFields``, ``plugins`` (and ``departments-file``, read by the department
    plugins).
    """

    def __init__(self, data: Iterable[Mapping], options: Mapping | None, data_type: str | None):
        options = options or {}
        self.data = data
        self.options = options
        self.data_type = options.get("dataType", data_type)
        self.mappings = options.get("mappings") or {}
        self.id_mapping = options.get("idMapping")
        self.additional_fields = options.get("additionalFields") or {}
        self.plugins = options.get("plugins")
        if self.plugins is not None and not isinstance(self.plugins, list):
            raise ConfigError("must be a list of plugin strings", where="options.plugins")

    def get_data(self, special_fields: Iterable[Mapping] | None = None) -> list[Document]:
        """All records, after the plugins (if any)."""
        documents = list(self._documents(special_fields))
        if self.plugins:
            from performanceplatform.records.plugins import run_plugins

            documents = run_plugins(self.plugins, documents, options=self.options)
        return documents

    def iter_data(self, special_fields: Iterable[Mapping] | None = None) -> Iterator[Document]:
        """The records one at a time, for streaming; plugins need the whole set, so with
        plugins this is :meth:`get_data` in disguise."""
        if self.plugins:
            yield from self.get_data(special_fields)
            return
        yield from self._documents(special_fields)

    def _documents(self, special_fields: Iterable[Mapping] | None) -> Iterator[Document]:
        documents = iter_documents(self.data, self.data_type, self.mappings, special_fields,
                                   self.id_mapping, additionalFields=self.additional_fields)
        if self.id_mapping and not self.plugins:  # with plugins, ComputeIdFrom makes the ids
            return checked_id_fields(documents, self.id_mapping)
        return documents


def checked_id_fields(documents: Iterable[Document], id_mapping: str | Sequence[str]
                       ) -> Iterator[Document]:
    """The records, checked against ``idMapping`` as they pass (issue 7).

    A record that has none of its fields would get an empty ``_id`` (which Backdrop refuses):
    a ConfigError, raised before that record is written, so before anything is written when
    the first record has none. A field that no record has is a WARNING at the end: the ids
    were built without it, as the original built them (such configs keep working).
    """
    keys = [id_mapping] if isinstance(id_mapping, str) else list(id_mapping)
    unseen = dict.fromkeys(keys)
    fields: list[str] = []
    for doc in documents:
        fields = fields or sorted(key for key in doc if key not in ("_id", "humanId"))
        present = [key for key in keys if key in doc]
        if not present:
            raise ConfigError(f"a record has no field {_names(keys, 'or')}"
                              f"{did_you_mean(keys[0], fields)}, so its _id would be empty; "
                              f"the records' fields: {', '.join(fields)}",
                              key="options.idMapping")
        for key in present:
            unseen.pop(key, None)
        yield doc
    if unseen and fields:
        missing = list(unseen)
        log.warning("key 'options.idMapping': no record has the field%s %s%s; the _ids were "
                    "built without %s", "s" if len(missing) > 1 else "", _names(missing, "and"),
                    did_you_mean(missing[0], fields), "them" if len(missing) > 1 else "it")


def _names(keys: Sequence[str], joiner: str) -> str:
    return f" {joiner} ".join(f"'{key}'" for key in keys)


def build_document_set(
    results: Iterable[Mapping],
    data_type: str | None,
    mappings: Mapping[str, str] | None,
    special_fields: Iterable[Mapping] | None,
    idMapping: str | Sequence[str] | None = None,
    additionalFields: Mapping[str, Any] | None = None,
) -> list[Document]:
    """One record per item (see :func:`build_document`), as a list."""
    return list(
        iter_documents(results, data_type, mappings, special_fields, idMapping, additionalFields)
    )


def iter_documents(
    results: Iterable[Mapping],
    data_type: str | None,
    mappings: Mapping[str, str] | None,
    special_fields: Iterable[Mapping] | None,
    idMapping: str | Sequence[str] | None = None,
    additionalFields: Mapping[str, Any] | None = None,
) -> Iterator[Document]:
    """Like :func:`build_document_set`, lazily. Mismatched lengths raise ValueError (up
    front when both sides have a length, else when one side runs out)."""
    if data_type is None:
        raise ValueError("Must provide a data type")
    pairs: Iterator[tuple[Mapping, Mapping]]
    if not special_fields:
        pairs = ((item, {}) for item in results)
    else:
        if _sized(results) and _sized(special_fields) and len(results) != len(special_fields):
            raise _count_mismatch()
        pairs = _strict_pairs(results, special_fields)
    return (
        build_document(item, data_type, fields, mappings, idMapping, additionalFields)
        for item, fields in pairs
    )


def _sized(value: object) -> TypeGuard[Sized]:
    return hasattr(value, "__len__")


def _strict_pairs(items: Iterable, fields: Iterable) -> Iterator[tuple]:
    for item, special in zip_longest(items, fields, fillvalue=_MISSING):
        if item is _MISSING or special is _MISSING:
            raise _count_mismatch()
        yield item, special


def _count_mismatch() -> ValueError:
    return ValueError("There must be same number of special fields as results")


def build_document(
    item: Mapping,
    data_type: str | None,
    special_fields: Mapping[str, Any] | None = None,
    mappings: Mapping[str, str] | None = None,
    idMapping: str | Sequence[str] | None = None,
    additionalFields: Mapping[str, Any] | None = None,
) -> Document:
    """One record: layered fields, mappings, ``humanId`` and ``_id``."""
    if data_type is None:
        raise ValueError("Must provide a data type")
    special_fields = special_fields or {}
    mappings = mappings or {}
    additional = additionalFields or {}
    timestamp = to_datetime(item["start_date"])
    dimensions = item.get("dimensions") or {}
    layers = (
        {"_timestamp": timestamp, "dataType": data_type},
        additional,
        dimensions,
        special_fields,
    )
    doc = _map_keys(mappings, layers)
    if idMapping:
        id_string = _id_from_mapping(doc, idMapping)
    else:
        id_string = get_string_for_data_id(
            data_type, timestamp, doc.get("timeSpan"), _py2_values(dimensions)
        )
    if _debugging():
        log.debug("id string %r (%s)", id_string, type(id_string).__name__)
    doc["_id"], doc["humanId"] = value_id(id_string)
    return doc


def _debugging() -> bool:
    return log.isEnabledFor(logging.DEBUG)


def _map_keys(mappings: Mapping[str, str], layers: Sequence[Mapping]) -> Document:
    """Merge the layers and apply the mappings, resolving clashes as Python 2 did.

    The original merged with ``dict(a.items() + b.items() + ...)``: the merged dict's
    Python 2 order comes from each layer's own order. That order decides which of two keys
    mapped to one name survives (the later one).
    """
    merged: Document = {}
    for layer in layers:
        merged.update(layer)
    if not mappings:
        return merged
    py2_keys = py2_merged_order(*(py2_order(layer) for layer in layers))
    mapped = _one_to_one(mappings, merged, py2_keys)
    mapped.update(_multi_values(mappings, merged))
    return mapped


def _one_to_one(mappings: Mapping[str, str], doc: Mapping, py2_keys: Sequence[str]) -> Document:
    winners = {mappings.get(key, key): key for key in py2_keys}  # later key wins
    return {
        mappings.get(key, key): doc[key]
        for key in doc
        if winners[mappings.get(key, key)] == key
    }


def _multi_values(mappings: Mapping[str, str], doc: Mapping) -> Document:
    result: Document = {}
    for key in py2_order(mappings):
        match = _MULTI_VALUE_KEY.match(key)
        if not match:
            continue
        field, index_text = match.groups()
        if not index_text:
            raise MappingError(
                f"mapping key {key!r} ends in '_' without a number (expected e.g. {key}0)"
            )
        value = doc.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            raise MappingError(
                f"mapping key {key!r} splits field {field!r} on ':', but its value "
                f"{value!r} is not text"
            )
        parts = value.split(":")
        index = int(index_text)
        if index < len(parts):
            result[mappings[key]] = parts[index]
    return result


def apply_key_mapping(mappings: Mapping[str, str], doc: Mapping[str, Any]) -> Document:
    """Rename the keys of ``doc`` found in ``mappings``; other keys stay.

    When two keys land on one name the survivor is the later in Python 2 order of ``doc``
    (its own order taken as insertion order).
    """
    return _one_to_one(mappings, doc, py2_order(doc))


def map_multi_value_fields(mappings: Mapping[str, str], doc: Mapping[str, Any]) -> Document:
    """The fields made by ``name_N`` mapping keys: part N of ``doc[name].split(":")``."""
    return _multi_values(mappings, doc)


def _py2_values(dimensions: Mapping[str, Any]) -> list[Any]:
    return [dimensions[key] for key in py2_order(dimensions)]


def _id_from_mapping(doc: Mapping[str, Any], id_mapping: str | Sequence[str]) -> str:
    keys = [id_mapping] if isinstance(id_mapping, str) else list(id_mapping)
    return "".join(py2_str(doc.get(key, "")) for key in keys)


def get_string_for_data_id(
    data_type: str | None,
    timestamp,
    time_span: str | None,
    values: Iterable[Any],
) -> str:
    """The default id string: ``data_type``, the compact UTC ``timestamp``
    (``%Y%m%d%H%M%S``), ``time_span`` and each value's Python 2 text, joined by ``_``;
    None parts (data type or time span) are left out."""
    offset = timestamp.utcoffset() if isinstance(timestamp, dt.datetime) else None
    parts = [data_type, _compact(timestamp, offset), time_span, *map(py2_str, values)]
    return "_".join(part for part in parts if part is not None)  # py2_str never gives None


@lru_cache(maxsize=1024)
def _compact(timestamp: Any, offset: Any) -> str:
    """``%Y%m%d%H%M%S``, remembered per timestamp (a period's records share one). The offset
    is part of the key: equal instants in other zones have other local fields."""
    return timestamp.strftime("%Y%m%d%H%M%S")


_checked_id_fields = checked_id_fields  # its name before issue 9, for code not yet moved on
