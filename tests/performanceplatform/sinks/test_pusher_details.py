"""``Pusher`` in detail: the wording of a refused option, streaming without
``empty-data-set``, and the line logged when there is nothing to write."""

from __future__ import annotations

import logging

import pytest

from performanceplatform.sinks.pusher import Pusher
from performanceplatform.utils.errors import ConfigError, SinkError
from tests.helpers import SANDBOX_TOKEN, inject, served, stored


def config(sandbox) -> dict:
    return {"url": f"{sandbox.url}/data/g/t", "token": SANDBOX_TOKEN, "dry_run": False}


def rec(i: int) -> dict:
    return {"_id": f"r{i}", "_timestamp": "2014-01-01T00:00:00+00:00", "count": i}


def test_a_refused_option_names_the_query_config_and_the_key(sandbox):
    with pytest.raises(ConfigError) as failure:
        Pusher(config(sandbox), {"empty-data-set": "yes"})
    assert str(failure.value) == ("query config: key 'options.empty-data-set': expected true "
                                  "or false, got 'yes'")


def test_without_empty_data_set_an_iterator_is_streamed_as_it_is(sandbox):
    pusher = Pusher(config(sandbox), {"chunk-size": 2})
    assert pusher.empty_data_set is False
    pusher.push(rec(i) for i in range(3))
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r0", "r1", "r2"]


def test_nothing_to_write_is_logged(sandbox, caplog):
    with caplog.at_level(logging.INFO):
        Pusher(config(sandbox), {}).push([])
    assert "Doing nothing - no data to push" in caplog.messages


def test_by_default_one_post_at_a_time_so_a_refused_chunk_is_the_last_sent(sandbox):
    inject(sandbox, service="backdrop", status=400, body="refused", count=1)
    with pytest.raises(SinkError, match="chunk 1 "):
        Pusher(config(sandbox), {"chunk-size": 1}).push([rec(i) for i in range(3)])
    assert len(served(sandbox, "backdrop")) == 1 and stored(sandbox, "g", "t") == []
