"""The page ``/`` and ``/_sandbox/summary``: what the store holds, over HTTP from the sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from performanceplatform.sandbox.cli import load_config, main, parse_args
from performanceplatform.store import SQLiteStore
from tests.helpers import REPO, post_records
from tests.performanceplatform.sandbox.pages import (
    INJECTED_GROUP,
    INJECTED_VALUE,
    START,
    Dom,
    hourly,
)


def page(url: str) -> tuple[requests.Response, Dom]:
    answer = requests.get(f"{url}/", timeout=30)
    assert answer.status_code == 200, answer.text
    return answer, Dom.parse(answer.text)


def test_the_page_lists_each_data_set_and_charts_each_numeric_field(sandbox):
    post_records(sandbox, "govuk", "visitors", hourly(3))
    post_records(sandbox, "other", "things", [
        {"_timestamp": "2015-02-01T00:00:00Z", "count": 4},
        {"_timestamp": "2015-02-02T00:00:00Z", "count": 5}])
    answer, dom = page(sandbox.url)
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src" not in answer.headers["Content-Security-Policy"]  # no script at all
    rows = dom.table_rows()
    assert [row[:2] for row in rows] == [["govuk_visitors", "3"], ["other_things", "2"]]
    titles = [e.text for e in dom.all("title")]
    assert titles[1:] == ["pageviews over _timestamp", "visitors over _timestamp",
                          "count over _timestamp"]
    assert dom.polyline_points() == [3, 3, 2]
    assert [e.text for e in dom.all("h2")] == ["govuk_visitors", "other_things"]


def test_the_summary_gives_the_same_facts_as_json(sandbox):
    post_records(sandbox, "govuk", "visitors", hourly(3))
    summary = requests.get(f"{sandbox.url}/_sandbox/summary", timeout=30).json()
    [data_set] = summary["data_sets"]
    assert data_set["name"] == "govuk_visitors" and data_set["records"] == 3
    assert data_set["series"]["visitors"] == [
        ["2015-01-01T00:00:00+00:00", 0], ["2015-01-01T01:00:00+00:00", 10],
        ["2015-01-01T02:00:00+00:00", 20]]
    assert data_set["last_record"]["_id"] == "r2" and data_set["every_timestamp"] is True
    assert data_set["last_write"] == data_set["last_record"]["_updated_at"]


def test_a_data_set_with_many_timestamps_is_drawn_with_at_most_a_few_hundred_points(sandbox):
    post_records(sandbox, "govuk", "visitors", hourly(600))
    _, dom = page(sandbox.url)
    assert all(150 <= points <= 201 for points in dom.polyline_points())
    summary = requests.get(f"{sandbox.url}/_sandbox/summary", timeout=30).json()
    assert summary["data_sets"][0]["every_timestamp"] is False


def test_markup_in_names_and_values_is_shown_as_text(sandbox):
    post_records(sandbox, INJECTED_GROUP, "t", hourly(2, page=INJECTED_VALUE))
    # A store file written by another program may hold keys Backdrop refuses.
    sandbox.service("backdrop").store.save("raw_t", [
        {"_id": "a", "_timestamp": START, "<b>n</b>": 1, "<i>k</i>": "<u>v</u>"}])
    answer, dom = page(sandbox.url)
    for tag in ("script", "img", "b", "i", "u"):
        assert dom.all(tag) == [], tag
    assert "&lt;img src=x onerror=alert(1)&gt;_t" in answer.text
    assert "&lt;script&gt;document.body.dataset.pwned" in answer.text
    assert not any("<b>" in e.text for e in dom.all("title"))  # not a Backdrop key: no chart
    assert '&quot;&lt;i&gt;k&lt;/i&gt;&quot;: &quot;&lt;u&gt;v&lt;/u&gt;&quot;' in answer.text


def test_an_empty_store_says_how_to_fill_it(sandbox):
    _, dom = page(sandbox.url)
    assert dom.all("table") == [] and "No records yet" in "".join(e.text for e in dom.all("p"))


def test_the_page_is_read_only(sandbox):
    assert requests.post(f"{sandbox.url}/", timeout=10).status_code == 405


# -- pp-sandbox --store -----------------------------------------------------------------------

def test_store_is_the_database_flag_for_an_existing_file(tmp_path):
    path = tmp_path / "collected.db"
    SQLiteStore(str(path)).close()
    assert load_config(parse_args(["--store", f"sqlite:///{path}"])).database == str(path)


@pytest.mark.parametrize("argv, message", [
    (["--store", "sqlite:///no-such.db"], "--store sqlite:///no-such.db: no such file: no-such.db"),
    (["--store", "sqlite:///no/such.db"], "'sqlite:///no/such.db': the folder 'no' does not exist"),
    (["--store", "sqlite:///:memory:"], "an in-memory database is lost"),
    (["--store", "postgresql://host/db"], "--store postgresql://host/db: expected sqlite:///"),
    (["--store", "postgresql://u:s3cret@host/db"], "--store postgresql://***@host/db: expected"),
    (["--store", "ftp://host/x.db"], "expected an http:// or https:// URL"),
    (["--store", "sqlite:///x.db", "--database", "y.db"], "give --store or --database, not both"),
])
def test_a_bad_store_is_one_line_naming_it(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert "s3cret" not in err


def test_store_reads_a_relative_path_as_the_collector_does(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    SQLiteStore(str(tmp_path / "data" / "x.db")).close()
    assert load_config(parse_args(["--store", "sqlite:///data/x.db"])).database == "data/x.db"


def test_pp_sandbox_serves_the_page_over_a_store_file(tmp_path: Path):
    store = SQLiteStore(str(tmp_path / "collected.db"))
    store.save("govuk_visitors", [{"_id": "a", "_timestamp": START, "visitors": 3},
                                  {"_id": "b", "_timestamp": START.replace(day=2), "visitors": 5}])
    store.close()
    ready = tmp_path / "url"
    process = subprocess.Popen(
        [sys.executable, "-m", "performanceplatform.sandbox", "--store",
         "sqlite:///collected.db", "--port", "0", "--ready-file", str(ready)],
        cwd=tmp_path, stdout=subprocess.PIPE, text=True, env={"PYTHONPATH": str(REPO)})
    try:
        started = json.loads(process.stdout.readline())
        assert started["page"] == ready.read_text() + "/"
        _, dom = page(started["url"])
        assert dom.table_rows()[0][:2] == ["govuk_visitors", "2"]
        assert dom.polyline_points() == [2]
    finally:
        process.terminate()
        process.wait(timeout=10)
