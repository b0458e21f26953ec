"""``sinks.data_set_for``: the one place a run's store is chosen; the Backdrop client's
``DataSet.from_config`` refuses a config that names a local store instead of posting to it."""

from __future__ import annotations

import sqlite3

import pytest

from performanceplatform.client import DataSet
from performanceplatform.sinks import data_set_for
from performanceplatform.utils.errors import ConfigError
from tests.helpers import SANDBOX_TOKEN, stored

RECORD = {"_id": "a", "_timestamp": "2026-10-05T00:00:00+00:00", "count": 1}


def config(url: str, store: str | None = None) -> dict:
    config = {"url": url, "token": SANDBOX_TOKEN, "data-group": "g", "data-type": "t",
              "dry_run": False}
    if store:
        config["store"] = store
    return config


def test_a_backdrop_config_writes_to_the_backdrop(sandbox):
    data_set_for(config(f"{sandbox.url}/data/g/t")).post([RECORD])
    assert [record["_id"] for record in stored(sandbox, "g", "t")] == ["a"]


def test_a_store_config_writes_to_the_store(tmp_path):
    path = tmp_path / "pp.db"
    data_set_for(config(f"sqlite:///{path}/g/t", store=f"sqlite:///{path}")).post([RECORD])
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from records").fetchone() == (1,)


def test_from_config_refuses_a_local_store_and_writes_nothing(tmp_path):
    path = tmp_path / "pp.db"
    with pytest.raises(ConfigError, match="data_set_for") as caught:
        DataSet.from_config(config(f"sqlite:///{path}/g/t", store=f"sqlite:///{path}"))
    assert "key 'store'" in str(caught.value)
    assert not path.exists()
