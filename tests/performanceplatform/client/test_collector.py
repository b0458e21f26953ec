"""Stagecraft's collector API against the sandbox's Stagecraft double (spec core.md §2.9)."""

from __future__ import annotations

import pytest

from performanceplatform.client import CollectorAPI
from performanceplatform.utils.errors import SinkError
from tests.helpers import OMNISCIENT_TOKEN, served

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
