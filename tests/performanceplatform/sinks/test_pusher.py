"""``Pusher`` writes through the real client to the sandbox (spec core.md §5.5)."""

from __future__ import annotations

import pytest

from performanceplatform.utils.data_pusher import Pusher
from performanceplatform.utils.errors import ConfigError
from tests.helpers import SANDBOX_TOKEN, served, stored


def config(sandbox, dry_run=False):
    return {"url": f"{sandbox.url}/data/g/t", "token": SANDBOX_TOKEN, "dry_run": dry_run}


def rec(i):
    return {"_id": f"r{i}", "_timestamp": "2014-01-01T00:00:00+00:00", "count": i}


def test_default_chunk_size_is_100(sandbox):
    Pusher(config(sandbox), {}).push([rec(i) for i in range(250)])
    assert len([r for r in served(sandbox, "backdrop") if r["method"] == "POST"]) == 3


def test_chunk_size_option(sandbox):
    Pusher(config(sandbox), {"chunk-size": 98}).push([rec(i) for i in range(99)])
    assert len(served(sandbox, "backdrop")) == 2


def test_empty_data_does_nothing(sandbox):
    Pusher(config(sandbox), {"empty-data-set": True}).push([])
    assert served(sandbox, "backdrop") == []


def test_empty_data_set_option_replaces_the_data(sandbox):
    Pusher(config(sandbox), {}).push([rec(1), rec(2)])
    Pusher(config(sandbox), {"empty-data-set": True}).push([rec(3)])
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r3"]
    assert [r["method"] for r in served(sandbox, "backdrop")][1:3] == ["PUT", "POST"]


def test_without_the_option_nothing_is_emptied(sandbox):
    Pusher(config(sandbox), {}).push([rec(1)])
    Pusher(config(sandbox), {}).push([rec(2)])
    assert len(stored(sandbox, "g", "t")) == 2


def test_a_generator_is_fetched_whole_before_emptying(sandbox):
    def failing():
        yield rec(1)
        raise RuntimeError("source died")

    Pusher(config(sandbox), {}).push([rec(0)])
    try:
        Pusher(config(sandbox), {"empty-data-set": True}).push(failing())
    except RuntimeError:
        pass
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r0"]


@pytest.mark.parametrize("options,key", [({"chunk-size": "50", "empty-data-set": True},
                                          "options.chunk-size"),
                                         ({"chunk-size": -1}, "options.chunk-size"),
                                         ({"empty-data-set": "yes"}, "options.empty-data-set")])
def test_bad_options_are_refused_before_anything_is_written(sandbox, options, key):
    Pusher(config(sandbox), {}).push([rec(0)])
    with pytest.raises(ConfigError, match=key):
        Pusher(config(sandbox), options).push([rec(1)])
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r0"]


def test_chunk_size_zero_is_one_post_as_in_the_original(sandbox):
    Pusher(config(sandbox), {"chunk-size": 0}).push([rec(i) for i in range(150)])
    assert len([r for r in served(sandbox, "backdrop") if r["method"] == "POST"]) == 1
    assert len(stored(sandbox, "g", "t")) == 150
