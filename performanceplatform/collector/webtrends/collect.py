"""What both Webtrends collectors do (``pipeline.collector``): check the config, one unit
per period, fetch and parse a period's ``data``, rows → ``(item, fields)``.

``credentials``: ``user``, ``password`` (HTTP Basic auth), ``api_version`` (``"v3"``
selects the v3 parsers, anything else the v2 ones) and the collector's URL key
(``keymetrics_url`` or ``reports_url``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar

from performanceplatform.collector.webtrends.client import Period
from performanceplatform.collector.webtrends.records import Row, ShapeError
from performanceplatform.pipeline.collector import Checks, Collector, Unit
from performanceplatform.transport.http import redact_url
from performanceplatform.utils.checks import Problems, where_of
from performanceplatform.utils.errors import SourceError

Parse = Callable[[Any], Iterator[Row]]


def check_credentials(credentials: Any, url_key: str, problems: Problems | None = None
                      ) -> Problems:
    """Note every missing or empty credentials key (raising is left to the caller)."""
    problems = problems or Problems(where_of(credentials, "credentials"))
    if not isinstance(credentials, Mapping):
        problems.add("credentials", "expected a JSON object")
        return problems
    for key in ("user", "password", url_key):
        problems.text(credentials, key)
    return problems


def is_v3(credentials: Mapping[str, Any]) -> bool:
    return credentials.get("api_version") == "v3"


class WebtrendsCollector(Collector):
    """The shared steps; a subclass says which URL, periods, parser and parameters."""

    source = "webtrends"
    url_key: ClassVar[str] = ""
    extra_params: ClassVar[dict[str, str] | None] = None

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        from performanceplatform.records.options import check_record_options

        check_credentials(credentials, self.url_key, problems.credentials)
        self.check_query(query if isinstance(query, Mapping) else {}, options, problems.query)
        check_record_options(problems.query, options)
        self.credentials = credentials

    def check_query(self, query: Mapping[str, Any], options: Mapping[str, Any],
                    problems: Problems) -> None:
        """The collector's own query and option keys."""

    def periods(self, start_at: Any, end_at: Any) -> list[Period]:
        raise NotImplementedError

    def url(self, query: Mapping[str, Any]) -> str:
        return str(self.credentials[self.url_key])

    def parser(self, options: Mapping[str, Any]) -> Parse:
        raise NotImplementedError

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        from performanceplatform.collector.webtrends.client import WebtrendsClient

        self.client = WebtrendsClient(self.credentials["user"], self.credentials["password"])
        self.address = self.url(query or {})
        self.parse = self.parser(options)
        return [Unit(f"{start}..{end}", extra=(start, end))
                for start, end in self.periods(start_at, end_at)]

    def fetch(self, unit: Unit) -> list[Row]:
        data = self.client.fetch_period(self.address, unit.extra, self.extra_params)
        try:
            return list(self.parse(data))
        except ShapeError as exc:
            shown = redact_url(self.address)
            raise SourceError(f"webtrends: unexpected answer from {shown}: {exc}", url=shown)

    def build(self, unit: Unit, rows: Iterable[Row]):
        from performanceplatform.collector.webtrends.records import pairs

        return pairs(rows)
