"""``StoreDataSet``: a local store behind the Backdrop client's API. What a dry run logs (and
that it opens nothing), what the store refuses, and the default of writing for real."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from performanceplatform.sinks import open_sink
from performanceplatform.sinks.store_data_set import StoreDataSet
from performanceplatform.utils.errors import SinkError


def rec(i: int) -> dict:
    return {"_id": f"r{i}", "_timestamp": "2014-01-01T00:00:00+00:00", "count": i}


@pytest.fixture
def store(tmp_path):
    """``(url, path)`` of an SQLite store that does not exist yet."""
    path = tmp_path / "pp.db"
    return f"sqlite:///{path}", path


def data_set(url: str, dry_run: bool = False) -> StoreDataSet:
    return StoreDataSet(open_sink(url, "g", "t"), dry_run)


def logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "performanceplatform.sinks.store_data_set"]


def count(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("select count(*) from records").fetchone()[0]


def test_a_dry_run_logs_what_each_chunk_would_write_and_opens_nothing(store, caplog):
    url, path = store
    with caplog.at_level(logging.INFO):
        data_set(url, dry_run=True).post([rec(0), rec(1), rec(2)], chunk_size=2)
    where = f"{url} (data set g_t)"
    assert logged(caplog) == [
        f"dry run: would write 2 records to {where}",
        '[{"_id": "r0", "_timestamp": "2014-01-01T00:00:00+00:00", "count": 0}, '
        '{"_id": "r1", "_timestamp": "2014-01-01T00:00:00+00:00", "count": 1}]',
        f"dry run: would write 1 record to {where}",
        '[{"_id": "r2", "_timestamp": "2014-01-01T00:00:00+00:00", "count": 2}]',
    ]
    assert not path.exists()


def test_a_dry_run_of_one_record_given_alone_counts_one_record(store, caplog):
    url, path = store
    with caplog.at_level(logging.INFO):
        data_set(url, dry_run=True).post(rec(7))
    assert logged(caplog)[0] == f"dry run: would write 1 record to {url} (data set g_t)"
    assert not path.exists()


def test_a_dry_run_of_emptying_says_so_and_empties_nothing(store, caplog):
    url, path = store
    data_set(url).post([rec(0)])
    with caplog.at_level(logging.INFO):
        data_set(url, dry_run=True).empty_data_set()
    assert logged(caplog) == [f"dry run: would empty {url} (data set g_t)"]
    assert count(path) == 1


def test_a_store_data_set_writes_for_real_unless_told_to_dry_run(store):
    url, path = store
    StoreDataSet(open_sink(url, "g", "t")).post([rec(0), rec(1)])
    assert count(path) == 2


def test_a_read_is_refused_naming_the_store(store):
    url, _ = store
    with pytest.raises(SinkError) as failure:
        data_set(url).get()
    where = f"{url} (data set g_t)"
    assert str(failure.value) == f"GET is not something {where} does: it only takes writes"
    assert failure.value.url == where


def test_a_put_of_records_is_refused_and_empties_nothing(store):
    """Backdrop's ``PUT`` with records replaces the data set; a store only empties on
    ``PUT []`` (``empty_data_set``), so any other PUT must not touch it."""
    url, path = store
    data_set(url).post([rec(0)])
    with pytest.raises(SinkError, match="^PUT is not something"):
        data_set(url)._put("", [rec(1)])
    assert count(path) == 1
