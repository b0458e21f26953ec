"""Collectors that refuse unknown query keys say so once: one error line through the
pipeline's check (with the core's "did you mean"), and no warning about the same key."""

from __future__ import annotations

import pytest

from tests.helpers import served
from tests.performanceplatform.collector.ga.test_e2e import query_file as ga_query
from tests.performanceplatform.collector.ga4.test_e2e import ga4_query
from tests.performanceplatform.pipeline.test_same_writes import ga4_credentials, ga_credentials

GA4_REALTIME = "performanceplatform.collector.ga4.realtime"
CASES = {
    "ga4": (ga4_query({"metrcs": ["sessions"]}), ga4_credentials, "query.metrcs", "metrics"),
    "ga4-options": (ga4_query(options={"idMaping": ["browser"]}), ga4_credentials,
                    "options.idMaping", "idMapping"),
    "ga4.realtime": (dict(ga4_query(entrypoint=GA4_REALTIME),
                          query={"property": "123456", "for_ulr": "/account"}),
                     ga4_credentials, "query.for_ulr", "for_url"),
    "ga.realtime": (ga_query("ga.realtime", {"ids": "ga:1", "metrics": "rt:activeUsers",
                                             "filtres": "ga:pagePath==/"}, data_type="rt"),
                    ga_credentials, "query.filtres", "filters"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_typo_is_one_error_line_with_the_nearest_key(name, run_cli, sandbox, tmp_path):
    query, credentials, key, nearest = CASES[name]
    result = run_cli(query, credentials(run_cli, sandbox, tmp_path))
    assert result.code == 1
    mentions = [line for line in result.stderr.splitlines() if key in line]
    assert len(mentions) == 1, result.stderr
    assert f"key '{key}': unknown key (did you mean `{nearest}`?)" in mentions[0]
    assert not mentions[0].startswith("WARNING")
    assert served(sandbox, "backdrop") == [] and served(sandbox, "google_v3") == []
