"""What both Webtrends collectors do: check the config, fetch, parse, push.

``credentials``: ``user``, ``password`` (HTTP Basic auth), ``api_version`` (``"v3"``
selects the v3 parsers, anything else the v2 ones) and the collector's URL key
(``keymetrics_url`` or ``reports_url``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from performanceplatform.collector.webtrends.client import Period, WebtrendsClient
from performanceplatform.collector.webtrends.records import Row, ShapeError, build_records
from performanceplatform.utils.checks import Problems, where_of
from performanceplatform.utils.errors import SourceError
from performanceplatform.utils.http import redact_url

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


def collect_parse_and_push(credentials: Mapping[str, Any], url: str, periods: list[Period],
                           parse: Parse, data_set_config: dict[str, Any],
                           options: Mapping[str, Any], extra_params: dict[str, str] | None = None
                           ) -> None:
    """Fetch every period first, then build the records and push them."""
    from performanceplatform.utils.data_pusher import Pusher

    client = WebtrendsClient(credentials["user"], credentials["password"])
    rows: list[Row] = []
    for fetched_url, data in client.fetch(url, periods, extra_params):
        try:
            rows.extend(parse(data))
        except ShapeError as exc:
            shown = redact_url(fetched_url)
            raise SourceError(f"webtrends: unexpected answer from {shown}: {exc}", url=shown)
    records = build_records(rows, options, data_set_config["data-type"])
    Pusher(data_set_config, dict(options)).push(records)
