"""One store suite for every place records can go: the sandbox Backdrop over HTTP, an SQLite
file and a PostgreSQL database (a real server, see ``tests.postgres``).

Each test writes through ``sinks.data_set_for`` (the collectors' one way in) and reads back
what the store holds: the same records in give the same records out, upserts by ``_id``,
emptying, Backdrop's validation, the dry run, and several writer processes at once.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from performanceplatform.sinks import data_set_for
from performanceplatform.store import SQLiteStore, data_set_name
from performanceplatform.utils.errors import SinkError
from tests.helpers import SANDBOX_TOKEN, stored

GROUP, TYPE = "store-suite", "visits"
OTHER_TYPE = "other"


@dataclass
class Backend:
    name: str
    store: str | None  # the store URL; None for the sandbox Backdrop (its HTTP URL is used)
    read: Callable[[str], list[dict[str, Any]]]  # data-type → the records, in write order
    untouched: Callable[[], bool]  # nothing was created or written anywhere

    def config(self, data_type: str = TYPE, dry_run: bool = False,
               backdrop_url: str = "") -> dict[str, Any]:
        config = {"url": f"{backdrop_url}/{GROUP}/{data_type}", "token": SANDBOX_TOKEN,
                  "data-group": GROUP, "data-type": data_type, "dry_run": dry_run}
        if self.store:
            config["store"] = self.store
        return config


@pytest.fixture(params=["backdrop", "sqlite", "postgresql"])
def backend(request, sandbox, tmp_path: Path) -> Backend:
    if request.param == "backdrop":
        def untouched() -> bool:
            return stored(sandbox, GROUP, TYPE) == []
        backend = Backend("backdrop", None, lambda t: stored(sandbox, GROUP, t), untouched)
        backend.config = _with_url(backend.config, f"{sandbox.url}/data")  # type: ignore
        return backend
    if request.param == "sqlite":
        path = tmp_path / "records.db"
        return Backend("sqlite", f"sqlite:///{path}",
                       lambda t: _read(SQLiteStore(str(path)), t), lambda: not path.exists())
    from performanceplatform.store.postgresql import PostgreSQLStore

    url = request.getfixturevalue("postgresql_url")
    return Backend("postgresql", url, lambda t: _read(PostgreSQLStore(url), t),
                   lambda: _read(PostgreSQLStore(url), TYPE) == [])


def _with_url(config: Callable[..., dict[str, Any]], url: str) -> Callable[..., dict[str, Any]]:
    return lambda *args, **kwargs: config(*args, backdrop_url=url, **kwargs)


def _read(store: Any, data_type: str) -> list[dict[str, Any]]:
    try:
        return store.query(data_set_name(GROUP, data_type))
    finally:
        store.close()


def without_updated_at(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in record.items() if k != "_updated_at"} for record in records]


RECORDS_IN = [
    {"_id": "a", "_timestamp": "2026-10-05T10:30:00+01:00", "count": 3, "rate": 0.25,
     "name": "Zoë’s page", "flag": True, "none": None, "_start_at": "2026-10-05T00:00:00Z",
     "_end_at": "2026-10-12T00:00:00Z"},
    {"_id": "b", "_timestamp": "2026-12-31T23:59:59Z", "count": -9007199254740993,
     "name": ""},
    {"_id": "c==", "_timestamp": "2026-03-01T00:00:00+00:00", "count": 0},
]
PERIODS_A = {"_hour_start_at": "2026-10-05T09:00:00+00:00",
             "_day_start_at": "2026-10-05T00:00:00+00:00",
             "_week_start_at": "2026-10-05T00:00:00+00:00",
             "_month_start_at": "2026-10-01T00:00:00+00:00",
             "_quarter_start_at": "2026-10-01T00:00:00+00:00",
             "_year_start_at": "2026-01-01T00:00:00+00:00"}
RECORD_A_OUT = {"_id": "a", "_timestamp": "2026-10-05T09:30:00+00:00", "count": 3, "rate": 0.25,
                "name": "Zoë’s page", "flag": True, "none": None,
                "_start_at": "2026-10-05T00:00:00+00:00", "_end_at": "2026-10-12T00:00:00+00:00",
                **PERIODS_A}


def test_the_same_records_in_give_the_same_records_out(backend):
    data_set_for(backend.config()).post(RECORDS_IN, chunk_size=2)
    out = backend.read(TYPE)
    assert without_updated_at(out)[0] == RECORD_A_OUT
    assert [r["_id"] for r in out] == ["a", "b", "c=="]
    assert out[1]["count"] == -9007199254740993 and out[1]["name"] == ""
    assert out[1]["_week_start_at"] == "2026-12-28T00:00:00+00:00"
    assert out[2]["_quarter_start_at"] == "2026-01-01T00:00:00+00:00"
    assert all(r["_updated_at"].endswith("+00:00") for r in out)


def test_a_single_record_and_a_generator_are_written_too(backend):
    data_set = data_set_for(backend.config())
    data_set.post({"_id": "one", "_timestamp": "2026-10-05T00:00:00Z", "num": 1})
    data_set.post((dict(r) for r in RECORDS_IN[1:]), chunk_size=1)
    assert [r["_id"] for r in backend.read(TYPE)] == ["one", "b", "c=="]


def test_a_record_without_id_gets_one(backend):
    data_set_for(backend.config()).post([{"_timestamp": "2026-10-05T00:00:00Z"}])
    [record] = backend.read(TYPE)
    assert record["_id"]


def test_a_rewritten_id_replaces_its_record_and_moves_to_the_end(backend):
    data_set = data_set_for(backend.config())
    data_set.post([{"_id": "a", "_timestamp": "2026-10-05T00:00:00Z", "num": 1},
                   {"_id": "b", "_timestamp": "2026-10-05T00:00:00Z", "num": 1}])
    data_set.post([{"_id": "a", "_timestamp": "2026-10-06T00:00:00Z", "num": 2},
                   {"_id": "c", "_timestamp": "2026-10-05T00:00:00Z", "num": 1}], chunk_size=1)
    out = backend.read(TYPE)
    assert [(r["_id"], r["num"]) for r in out] == [("b", 1), ("a", 2), ("c", 1)]
    assert out[1]["_day_start_at"] == "2026-10-06T00:00:00+00:00"


def test_an_id_twice_in_one_chunk_keeps_the_last(backend):
    data_set_for(backend.config()).post(
        [{"_id": "x", "_timestamp": "2026-10-05T00:00:00Z", "num": n} for n in range(3)])
    assert [(r["_id"], r["num"]) for r in backend.read(TYPE)] == [("x", 2)]


def test_emptying_removes_this_data_set_only(backend):
    data_set_for(backend.config(OTHER_TYPE)).post(RECORDS_IN[:1])
    data_set = data_set_for(backend.config())
    data_set.post(RECORDS_IN)
    data_set.empty_data_set()
    assert backend.read(TYPE) == []
    assert [r["_id"] for r in backend.read(OTHER_TYPE)] == ["a"]
    data_set.post(RECORDS_IN[1:])
    assert [r["_id"] for r in backend.read(TYPE)] == ["b", "c=="]


def test_a_refused_chunk_is_not_written_and_the_error_says_what_was(backend):
    bad = {"_id": "bad", "_timestamp": "yesterday"}
    with pytest.raises(SinkError) as caught:
        data_set_for(backend.config()).post([*RECORDS_IN[:2], bad, RECORDS_IN[2]],
                                                  chunk_size=2)
    message = str(caught.value)
    assert "'yesterday' is not a 'date-time'" in message
    assert message.endswith("(chunk 2 (2 records) not written; 1 earlier chunk with 2 records "
                            "was written; later chunks were not sent)")
    assert caught.value.written_records == 2
    assert [r["_id"] for r in backend.read(TYPE)] == ["a", "b"]


@pytest.mark.parametrize("record, problem", [
    ({"_id": "a b", "_timestamp": "2026-10-05T00:00:00Z"}, "is not a valid id"),
    ({"_id": "a", "_timestamp": "2026-10-05T00:00:00Z", "Bad Key": 1}, "is not a valid key"),
    ({"_id": "a", "_timestamp": "2026-10-05T00:00:00Z", "_secret": 1},
     "_secret is not a recognised internal field"),
    ({"_id": "a"}, "'_timestamp' is a required property"),
])
def test_backdrops_validation_holds_in_every_store(backend, record, problem):
    with pytest.raises(SinkError, match=problem):
        data_set_for(backend.config()).post([record])
    assert backend.read(TYPE) == []


def test_a_dry_run_writes_and_creates_nothing(backend, caplog):
    caplog.set_level("INFO")
    data_set = data_set_for(backend.config(dry_run=True))
    data_set.empty_data_set()
    data_set.post(RECORDS_IN, chunk_size=2)
    assert backend.untouched()
    shown = {"backdrop": f"/data/{GROUP}/{TYPE}", "sqlite": str(backend.store),
             "postgresql": "postgresql://***@127.0.0.1:"}[backend.name]
    assert sum(shown in m for m in caplog.messages) >= 3
    assert not any("unused-password" in m for m in caplog.messages)


def _write_in_another_process(config: dict[str, Any], records: list[dict[str, Any]]) -> int:
    data_set_for(config).post(records, chunk_size=5)
    return len(records)


WRITERS = 4


def test_concurrent_writer_processes_upsert_without_loss_or_duplicates(backend):
    def records(writer: int) -> list[dict[str, Any]]:
        shared = [{"_id": f"shared-{n}", "_timestamp": "2026-10-05T00:00:00Z", "by": writer}
                  for n in range(20)]
        own = [{"_id": f"own-{writer}-{n}", "_timestamp": "2026-10-05T00:00:00Z",
                "by": writer} for n in range(20)]
        return [record for pair in zip(shared, own, strict=True) for record in pair]

    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS) as pool:
        written = pool.starmap(_write_in_another_process,
                               [(backend.config(), records(w)) for w in range(WRITERS)])
    assert written == [40] * WRITERS
    out = backend.read(TYPE)
    ids = [r["_id"] for r in out]
    assert len(ids) == len(set(ids)) == 20 + 20 * WRITERS
    assert {r["by"] for r in out if r["_id"].startswith("own-0-")} == {0}


def _open_store(backend: Backend) -> Any:
    if backend.name == "sqlite":
        return SQLiteStore(str(backend.store)[len("sqlite:///"):])
    from performanceplatform.store.postgresql import PostgreSQLStore

    return PostgreSQLStore(str(backend.store))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_two_writers_opened_before_either_writes_keep_the_write_order(backend):
    """(One Backdrop process holds its store: this is about the local stores.)"""
    first, second = _open_store(backend), _open_store(backend)
    name = data_set_name(GROUP, TYPE)
    when = RECORDS_IN[0]["_timestamp"]
    try:
        from performanceplatform.store import validate_records

        prepared = validate_records([{"_id": i, "_timestamp": when} for i in "abcd"])[0]
        first.save(name, prepared[:2])
        second.save(name, prepared[2:3])
        first.save(name, prepared[3:])
    finally:
        first.close()
        second.close()
    assert [r["_id"] for r in backend.read(TYPE)] == ["a", "b", "c", "d"]


FLOATS = {"big": 1e20, "huge": -1.5e300, "tiny": 1e-7, "whole": 2.0, "third": 1 / 3,
          "int_max": 2 ** 63 - 1}


def test_numbers_come_back_with_their_type_and_value(backend):
    data_set_for(backend.config()).post(
        [{"_id": "n", "_timestamp": "2026-10-05T00:00:00Z", **FLOATS}])
    [record] = backend.read(TYPE)
    got = {key: record[key] for key in FLOATS}
    assert got == FLOATS
    assert {key: type(value) for key, value in got.items()} == \
        {key: type(value) for key, value in FLOATS.items()}


def test_postgresql_refuses_nan_naming_the_record_and_writes_nothing_of_the_chunk(tmp_path,
                                                                                 request):
    url = request.getfixturevalue("postgresql_url")
    from performanceplatform.store.postgresql import PostgreSQLStore

    config = {"url": "", "token": SANDBOX_TOKEN, "data-group": GROUP, "data-type": TYPE,
              "store": url, "dry_run": False}
    records = [{"_id": "ok", "_timestamp": "2026-10-05T00:00:00Z", "num": 1.0},
               {"_id": "bad", "_timestamp": "2026-10-05T00:00:00Z", "num": float("nan")}]
    with pytest.raises(SinkError, match=r"refused the records: record 'bad': num is nan, "
                                        r"which PostgreSQL's jsonb cannot hold"):
        data_set_for(config).post(records)
    assert _read(PostgreSQLStore(url), TYPE) == []
