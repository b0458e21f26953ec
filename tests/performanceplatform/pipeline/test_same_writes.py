"""For every collector on the pipeline: the real CLI at ``--concurrency 1`` and ``4`` sends
Backdrop the same requests (the same bodies, so the same records, ids and chunk boundaries),
and Backdrop ends up holding the same records.

"In the same order" with POSTs in flight (``client.in_flight``) means: started in the same
order, at most ``MAX_POSTS_IN_FLIGHT`` at once, so Backdrop gets each request no earlier
than that window allows and never before an earlier one that shares an ``_id``
(``in_flight.assert_sent_in_flight``); at ``--concurrency 1`` the order is exactly the
sequential one (the golden replay holds every recorded run request by request)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from performanceplatform.pipeline.settings import MAX_POSTS_IN_FLIGHT
from tests.helpers import served, stored
from tests.performanceplatform.collector.ga.test_e2e import CORE
from tests.performanceplatform.collector.ga.test_e2e import query_file as ga_query
from tests.performanceplatform.collector.ga4.test_e2e import ga4_query
from tests.performanceplatform.collector.gcloud.test_e2e import query as gcloud_query
from tests.performanceplatform.collector.pingdom.test_e2e import TOKEN as PINGDOM_TOKEN
from tests.performanceplatform.collector.pingdom.test_e2e import query as pingdom_query
from tests.performanceplatform.collector.piwik.test_e2e import credentials as piwik_credentials
from tests.performanceplatform.collector.piwik.test_e2e import query as piwik_query
from tests.performanceplatform.collector.webtrends.test_e2e import (
    CREDENTIALS_V2,
    KEYMETRICS_MAPPINGS,
)
from tests.performanceplatform.collector.webtrends.test_e2e import query as webtrends_query
from tests.performanceplatform.google import keys
from tests.performanceplatform.pipeline.in_flight import assert_sent_in_flight, by_id


def ga_credentials(run_cli, sandbox, tmp_path) -> dict[str, str]:
    return keys.write_valid_user_credentials(run_cli.write, "ga-test")


def ga4_credentials(run_cli, sandbox, tmp_path) -> dict[str, str]:
    folder = tmp_path / "google"
    folder.mkdir(exist_ok=True)
    return keys.write_storage_credentials(folder)


@dataclass
class Case:
    query: dict[str, Any]
    credentials: Callable[..., dict[str, Any]]
    args: tuple[str, ...]
    units: int  # in the run's plan

    @property
    def data_set(self) -> tuple[str, str]:
        data_set = self.query["data-set"]
        return data_set["data-group"], data_set["data-type"]


TWO_WEEKS = ("-s", "2018-07-16", "-e", "2018-07-29")
CASES = {
    "ga4": Case(ga4_query({"frequency": "daily", "limit": 5}, {"chunk-size": 7}),
                ga4_credentials, TWO_WEEKS, 14),
    "ga": Case(ga_query("ga", {**CORE, "frequency": "daily"}, {"chunk-size": 3}),
               ga_credentials, TWO_WEEKS, 14),
    "pingdom": Case(pingdom_query(options={"chunk-size": 250}),
                    lambda *_: PINGDOM_TOKEN, ("-s", "2018-05-01", "-e", "2018-08-10"), 4),
    "piwik": Case(piwik_query(options={**piwik_query()["options"], "chunk-size": 4}),
                  lambda run_cli, sandbox, tmp: piwik_credentials(sandbox), TWO_WEEKS, 1),
    "webtrends.reports": Case(
        webtrends_query("webtrends.reports", "browsers",
                        {"row_type_name": "browser", "chunk-size": 5,
                         "idMapping": ["dataType", "_timestamp", "browser"]}, "aK4SbIcXwb7"),
        lambda *_: CREDENTIALS_V2, ("-s", "2018-08-01", "-e", "2018-08-09"), 9),
    "ga.realtime": Case(ga_query("ga.realtime", {"ids": "ga:58451694",
                                                 "metrics": "rt:activeUsers"}, data_type="rt"),
                        ga_credentials, (), 1),
    "ga4.realtime": Case(dict(ga4_query(entrypoint="performanceplatform.collector.ga4.realtime"),
                              query={"property": "123456", "for_url": "/account"}),
                         ga4_credentials, (), 1),
    "piwik.realtime": Case(piwik_query("performanceplatform.collector.piwik.realtime",
                                       frequency=None, options={},
                                       api_method="Live.getCounters"),
                           lambda run_cli, sandbox, tmp: piwik_credentials(sandbox), (), 1),
    "gcloud": Case(dict(gcloud_query(), options={"chunk-size": 50}), lambda *_: {}, (), 1),
    "ga.trending": Case(ga_query("ga.trending", {"id": "53872948", "metric": "pageviews",
                                                 "dimensions": ["pageTitle", "pagePath"]},
                                 data_type="trending"), ga_credentials, (), 1),
    "ga.contrib.content.table": Case(
        ga_query("ga.contrib.content.table",
                 {**CORE, "dimensions": ["pageTitle"], "maxResults": 3,
                  "sort": ["-sessions"]},
                 {"filtersets": [["dimension9=~^<D1>"], ["Organisation=~^Some Dept"]],
                  "chunk-size": 4,
                  "plugins": ["ComputeRank('rank')", "ComputeIdFrom('_timestamp', 'timeSpan', "
                              "'dataType', 'department', 'rank')"]}, data_type="table"),
        ga_credentials, TWO_WEEKS, 4),
    "webtrends.keymetrics": Case(
        webtrends_query("webtrends.keymetrics", "site-use",
                        {"idMapping": ["dataType", "_timestamp"], "chunk-size": 6,
                         "mappings": KEYMETRICS_MAPPINGS}),
        lambda *_: CREDENTIALS_V2, ("-s", "2018-08-10", "-e", "2018-08-11"), 1),
}


def backdrop_requests(sandbox) -> list[tuple]:
    return [(r["method"], r["path"], r["body_bytes"], r["body_digest"], r["gzip"], r["status"])
            for r in served(sandbox, "backdrop")]


def records(sandbox, case: Case) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "_updated_at"}
            for r in stored(sandbox, *case.data_set)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_concurrency_changes_nothing_written(name, run_cli, sandbox, tmp_path):
    case = CASES[name]
    credentials = case.credentials(run_cli, sandbox, tmp_path)
    seen = []
    for concurrency in ("1", "4"):
        sandbox.reset()
        backdrop = sandbox.service("backdrop")
        for data_set in backdrop.store.data_sets():
            backdrop.store.empty(data_set)
        result = run_cli(case.query, credentials, *case.args, "--concurrency", concurrency,
                         env={"PP_COLLECTOR_NOW": "2018-11-09T14:05:35Z"})  # realtime stamps
        assert result.code == 0, result.stderr
        workers = min(int(concurrency), case.units)
        assert f"{case.units} " in result.stderr and f"{workers} at a time" in result.stderr
        seen.append((backdrop_requests(sandbox), records(sandbox, case)))
    (one_requests, one_records), (four_requests, four_records) = seen
    assert one_requests and one_records  # something worth comparing was written
    assert_sent_in_flight(one_requests, four_requests, MAX_POSTS_IN_FLIGHT)
    assert by_id(four_records) == by_id(one_records)
