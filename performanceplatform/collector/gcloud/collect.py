"""The four steps of a G-Cloud run (``pipeline.collector``): check the query, one unit (the
spend CSV), read its sales, aggregate them into records.

The data set is always replaced (empty-then-write, whatever ``options`` say), so every record
is computed before it is emptied: a failed download or a bad CSV leaves it as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from performanceplatform.pipeline.collector import Checks, Collector, Unit
from performanceplatform.utils.errors import SourceError


class Spend(Collector):
    """One unit: the CSV (``csv_file``, ``csv_url``, or the latest one the index lists)."""

    source = "gcloud"
    unit_noun = "spend file"
    whole_set = True
    builds_records = True
    write_options = frozenset({"chunk-size"})

    def __init__(self, data_type: str | None, filename: str | None = None):
        super().__init__(data_type)
        self.filename = filename

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        from performanceplatform.collector.gcloud.client import check_query

        self.chunk_size = check_query(query or {}, options or {}, problems.query)

    def sink_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return {"chunk-size": self.chunk_size, "empty-data-set": True}

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        self.query = query or {}
        return [Unit(self.filename or self.query.get("csv_file") or self.query.get("csv_url")
                     or "the latest spend CSV")]

    def fetch(self, unit: Unit) -> list[Any]:
        from performanceplatform.collector.gcloud.client import fetch_csv
        from performanceplatform.collector.gcloud.records import decode, parse_sales

        source, data = fetch_csv(self.query, self.filename)
        self.csv = source
        return list(parse_sales(decode(data, source), source))

    def build(self, unit: Unit, rows: Iterable[Any]) -> list[dict[str, Any]]:
        import logging

        from performanceplatform.collector.gcloud.aggregate import aggregate

        records = aggregate(rows)
        if not records:
            raise SourceError(f"gcloud: {self.csv} has no sales rows; the data set was left as "
                              "it was", url=self.csv)
        logging.getLogger(__name__).info("Publishing %d aggregate records", len(records))
        return records
