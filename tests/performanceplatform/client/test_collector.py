"""Stagecraft's collector API against the sandbox's Stagecraft double (spec core.md §2.9)."""

from __future__ import annotations

import pytest

from performanceplatform.client import CollectorAPI
from performanceplatform.utils.errors import SinkError
from tests.helpers import OMNISCIENT_TOKEN, inject, served

COLLECTOR = {"slug": "foo", "entry_point": "tests.collectors.echo", "query": {}, "options": {},
             "data_set": {"data_group": "g", "data_type": "t", "bearer_token": "x"},
             "provider": {"slug": "echo"}}


def test_get_collector_by_slug(sandbox, sandbox_config):
    sandbox_config.collectors["foo"] = COLLECTOR
    api = CollectorAPI(sandbox.url, OMNISCIENT_TOKEN)
    assert api.get_collector("foo") == COLLECTOR
    assert api.list_collectors() == [COLLECTOR]
    [first, second] = served(sandbox, "stagecraft")
    assert first["path"] == "/collector/foo" and second["path"] == "/collector"
    assert first["authorization"] == "Bearer" and not first["gzip"]


@pytest.mark.parametrize("token,status", [("wrong", 401), (None, 403)])
def test_refused_tokens(sandbox, token, status):
    with pytest.raises(SinkError) as failure:
        CollectorAPI(sandbox.url, token).get_collector("foo")
    assert failure.value.status == status


def test_unknown_slug_is_404(sandbox):
    with pytest.raises(SinkError) as failure:
        CollectorAPI(sandbox.url, OMNISCIENT_TOKEN).get_collector("nope")
    assert failure.value.status == 404


def test_collector_type_paths(sandbox):
    api = CollectorAPI(sandbox.url, OMNISCIENT_TOKEN)
    for call in (lambda: api.get_collector_type("ga"), api.list_collector_types):
        try:
            call()
        except SinkError:  # the sandbox's Stagecraft has no collector types: only the path counts
            pass
    assert [r["path"] for r in served(sandbox, "stagecraft")] == ["/collector-type/ga",
                                                                  "/collector-type"]


def test_an_empty_200_is_no_collector(sandbox):
    inject(sandbox, service="stagecraft", status=200, body="")
    assert CollectorAPI(sandbox.url, OMNISCIENT_TOKEN).get_collector("foo") is None


def test_an_empty_200_from_stagecraft_fails_the_run_naming_the_slug(sandbox, run_cli):
    from tests.performanceplatform.collector.test_main import assert_one_line_failure

    inject(sandbox, service="stagecraft", status=200, body="")
    result = run_cli(None, {}, "-l", "echo-slug")
    assert_one_line_failure(result, "stagecraft collector 'echo-slug'",
                            "Stagecraft's answer is not a JSON object")


def test_an_http_stagecraft_url_redirected_to_https_names_stagecraft_url(sandbox):
    https = sandbox.url.replace("http://", "https://") + "/collector/foo"
    inject(sandbox, service="stagecraft", redirect=https, status=301)
    with pytest.raises(SinkError) as failure:
        CollectorAPI(sandbox.url, OMNISCIENT_TOKEN).get_collector("foo")
    assert failure.value.status == 301
    assert str(failure.value).endswith("put the https:// URL in stagecraft_url")
    assert len(served(sandbox)) == 1
