"""The JSON Lines sink: whole chunks appended under a lock, emptying, standard output."""

from __future__ import annotations

import json
import logging
import multiprocessing

import pytest

from performanceplatform.sinks import data_set_for
from performanceplatform.utils.errors import SinkError


def config(store: str, dry_run: bool = False) -> dict:
    return {"url": "", "token": None, "store": store, "data-group": "g", "data-type": "t",
            "dry_run": dry_run}


def records(prefix: str, number: int) -> list[dict]:
    return [{"_id": f"{prefix}-{n}", "_timestamp": "2026-10-05T00:00:00Z", "text": "x" * 500}
            for n in range(number)]


def test_appends_and_empties_a_file(tmp_path):
    path = tmp_path / "out.jsonl"
    data_set = data_set_for(config(f"jsonl:///{path}"))
    data_set.post(records("a", 3), chunk_size=2)
    data_set.post(records("b", 1))
    assert [json.loads(line)["_id"] for line in path.read_text().splitlines()] == \
        ["a-0", "a-1", "a-2", "b-0"]
    data_set.empty_data_set()
    assert path.read_text() == ""


def test_a_refused_record_writes_nothing_of_its_chunk(tmp_path):
    path = tmp_path / "out.jsonl"
    with pytest.raises(SinkError, match=r"refused the records: 'soon' is not a 'date-time'"):
        data_set_for(config(f"jsonl:///{path}")).post(
            [*records("a", 1), {"_timestamp": "soon"}])
    assert not path.exists() or path.read_text() == ""


def test_standard_output_gets_the_records_and_cannot_be_emptied(capsys, caplog):
    caplog.set_level(logging.INFO)
    data_set = data_set_for(config("-"))
    data_set.post(records("a", 2))
    data_set.empty_data_set()
    out = capsys.readouterr().out
    assert [json.loads(line)["_id"] for line in out.splitlines()] == ["a-0", "a-1"]
    assert any("cannot take records back" in message for message in caplog.messages)


def _append(path: str, prefix: str) -> None:
    data_set_for(config(f"jsonl:///{path}")).post(records(prefix, 200), chunk_size=20)


def test_concurrent_writers_never_interleave_lines(tmp_path):
    path = tmp_path / "out.jsonl"
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        pool.starmap(_append, [(str(path), prefix) for prefix in "abc"])
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 600 and len({line["_id"] for line in lines}) == 600
