"""``(item, special fields)`` pairs become records: the record builder of ``records.data_parser``
taken pair by pair (no ``tee``), and the plugins, which need the whole set."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from performanceplatform.pipeline.collector import Pair


class RecordBuilder:
    """Builds the records of one run with its ``options`` (mappings, ids, plugins)."""

    def __init__(self, options: Mapping[str, Any], data_type: str | None):
        from performanceplatform.records.data_parser import DataParser

        self._parser = DataParser((), options, data_type)

    @property
    def must_see_all(self) -> bool:
        """Plugins aggregate or rank across records, so they need every record first."""
        return bool(self._parser.plugins)

    def records(self, pairs: Iterable[Pair]) -> Iterator[dict[str, Any]]:
        from performanceplatform.records.data_parser import build_document

        parser = self._parser
        for item, fields in pairs:
            yield build_document(item, parser.data_type, fields, parser.mappings,
                                 parser.id_mapping, parser.additional_fields)

    def checked(self, records: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """The run's records, checked against ``idMapping`` as they pass, as ``DataParser``
        checks them (a record that would get an empty ``_id`` is a ``ConfigError`` before it
        is written; a field no record has, a warning at the end)."""
        parser = self._parser
        if not parser.id_mapping or parser.plugins:  # with plugins, ComputeIdFrom makes ids
            return records
        from performanceplatform.records.data_parser import checked_id_fields

        return checked_id_fields(records, parser.id_mapping)

    def finish(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The records after the plugins (if any)."""
        if not self._parser.plugins:
            return records
        from performanceplatform.records.plugins import run_plugins

        return run_plugins(self._parser.plugins, records, options=self._parser.options)


class FinishedRecords:
    """For collectors whose ``build`` gives finished records (``builds_records``)."""

    must_see_all = False

    def records(self, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        return iter(records)

    def checked(self, records: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        return records

    def finish(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return records
