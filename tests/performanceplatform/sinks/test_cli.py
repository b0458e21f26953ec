"""End to end, through the real CLI: Matomo (the sandbox's) writing into every local store."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

from performanceplatform.store import SQLiteStore
from tests.helpers import SANDBOX_TOKEN, served, stored

DATA_SET = "verify_browser_usage_matomo"
QUERY = {
    "entrypoint": "performanceplatform.collector.matomo",
    "data-set": {"data-group": "verify", "data-type": "browser-usage-matomo"},
    "query": {"site_id": "1", "api_method": "DevicesDetection.getBrowsers",
              "frequency": "weekly"},
    "options": {"mappings": {"label": "browser", "nb_visits": "sessions"},
                "idMapping": ["dataType", "_timestamp", "timeSpan", "browser"]},
}
RECORDS = 4  # the sandbox's Matomo has four browsers a week


def collect(run_cli, store: str | None = None, *extra: str, options: dict | None = None,
            pp: dict | None = None, token: bool = False):
    """Run the Matomo collector with ``--store`` (and no -t/-b unless asked)."""
    query = dict(QUERY, options={**QUERY["options"], **(options or {})})
    args = ["-q", str(run_cli.write("query.json", query)),
            "-c", str(run_cli.write("credentials.json", {
                "token_auth": "demo-matomo-token",
                "url": f"{run_cli.sandbox.url}/matomo.example.service.gov.uk/index.php"})),
            "--console-logging", *extra]
    if store is not None:
        args += ["--store", store]
    if pp is not None:
        args += ["-b", str(run_cli.write("pp.json", pp))]
    if token:
        args += ["-t", str(run_cli.write("token.json", {"token": SANDBOX_TOKEN}))]
    return run_cli(args=args)


def sqlite_records(path) -> list[dict[str, Any]]:
    store = SQLiteStore(str(path))
    try:
        return store.query(DATA_SET)
    finally:
        store.close()


def test_into_sqlite_with_a_relative_path_and_a_rerun_upserts(run_cli):
    first = collect(run_cli, "sqlite:///pp.db")
    assert first.code == 0, first.stderr
    records = sqlite_records(run_cli.workdir / "pp.db")  # relative: the working directory
    assert len(records) == RECORDS and {r["browser"] for r in records} >= {"Safari 11.1"}
    again = collect(run_cli, "sqlite:///pp.db")
    assert again.code == 0, again.stderr
    rerun = sqlite_records(run_cli.workdir / "pp.db")
    assert sorted(r["_id"] for r in rerun) == sorted(r["_id"] for r in records)
    with sqlite3.connect(run_cli.workdir / "pp.db") as db:  # what the README shows
        rows = db.execute("SELECT json_extract(record, '$.browser'), "
                          "json_extract(record, '$.sessions') FROM records "
                          "WHERE data_set = ?", (DATA_SET,)).fetchall()
    assert len(rows) == RECORDS and all(isinstance(sessions, int) for _, sessions in rows)


def test_the_records_are_those_the_sandbox_backdrop_gets(run_cli, sandbox, tmp_path):
    assert collect(run_cli, None, pp={"backdrop_url": f"{sandbox.url}/data"},
                   token=True).code == 0
    absolute = tmp_path / "abs" / "pp.db"
    absolute.parent.mkdir()
    assert str(absolute).startswith("/")
    done = collect(run_cli, None, pp={"backdrop_url": f"sqlite:///{absolute}"})
    assert done.code == 0, done.stderr

    def strip(records):
        return [{k: v for k, v in r.items() if k != "_updated_at"} for r in records]

    assert strip(sqlite_records(absolute)) == strip(stored(sandbox, "verify",
                                                           "browser-usage-matomo"))


def test_into_a_jsonl_file_and_standard_output(run_cli):
    done = collect(run_cli, "jsonl:///out.jsonl", options={"chunk-size": 3})
    assert done.code == 0, done.stderr
    lines = (run_cli.workdir / "out.jsonl").read_text().splitlines()
    assert len(lines) == RECORDS and all(json.loads(line)["_id"] for line in lines)
    assert "Sending chunk 2" in done.stderr
    piped = collect(run_cli, "-")
    assert piped.code == 0, piped.stderr
    assert [json.loads(line) for line in piped.stdout.splitlines()] == \
        [json.loads(line) for line in lines]
    assert "INFO" in piped.stderr and "INFO" not in piped.stdout


def test_into_postgresql_and_a_rerun_upserts(run_cli, postgresql_url):
    from performanceplatform.store.postgresql import PostgreSQLStore

    for _ in range(2):
        done = collect(run_cli, postgresql_url)
        assert done.code == 0, done.stderr
        assert "unused-password" not in done.output
    store = PostgreSQLStore(postgresql_url)
    try:
        records = store.query(DATA_SET)
    finally:
        store.close()
    assert len(records) == RECORDS == len({r["_id"] for r in records})


def test_empty_data_set_and_chunk_size_mean_the_same_in_a_local_store(run_cli):
    db = run_cli.workdir / "pp.db"
    store = SQLiteStore(str(db))
    store.save(DATA_SET, [{"_id": "old", "_timestamp": None}])
    store.close()
    done = collect(run_cli, "sqlite:///pp.db", options={"empty-data-set": True,
                                                        "chunk-size": 1})
    assert done.code == 0, done.stderr
    assert "Sending chunk 4" in done.stderr
    assert "old" not in [r["_id"] for r in sqlite_records(db)]
    assert len(sqlite_records(db)) == RECORDS


def test_a_dry_run_says_what_would_go_where_and_creates_nothing(run_cli):
    done = collect(run_cli, "sqlite:///pp.db", "--dry-run")
    assert done.code == 0, done.stderr
    assert f"would write {RECORDS} records to sqlite:///pp.db (data set {DATA_SET})" \
        in done.stderr
    assert not (run_cli.workdir / "pp.db").exists()


@pytest.mark.parametrize("url, named", [
    ("ftp://example.com/data", "--store: expected an http:// or https:// URL (a Backdrop), "
                               "sqlite:///FILE, postgresql://…, jsonl:///FILE or - (standard "
                               "output), got 'ftp://example.com/data'"),
    ("sqlite://pp.db", "--store: 'sqlite://pp.db' is not a sqlite URL"),
    ("sqlite:///no/such/folder/pp.db", "the folder 'no/such/folder' does not exist"),
    ("jsonl:///", "is not a jsonl URL"),
    ("postgresql://pp:s3cret-pw@127.0.0.1/db?nonsense=1",
     "'postgresql://***@127.0.0.1/db?nonsense=1' is not a PostgreSQL URL"),
])
def test_a_bad_store_flag_is_an_error_before_anything_is_fetched(run_cli, sandbox, url, named):
    done = collect(run_cli, url)
    assert done.code == 2  # a command-line error
    assert named in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "s3cret-pw" not in done.output
    assert served(sandbox, "piwik") == []


def test_a_bad_backdrop_url_names_the_file_and_key(run_cli, sandbox):
    done = collect(run_cli, None, pp={"backdrop_url": "sqlite:/pp.db"}, token=True)
    assert done.code == 1
    assert "pp.json: key 'backdrop_url': 'sqlite:/pp.db' is not a sqlite URL" in done.stderr
    assert served(sandbox, "piwik") == []


def test_an_unreachable_postgresql_is_a_sink_error_without_its_password(run_cli):
    done = collect(run_cli, "postgresql://pp:s3cret-pw@127.0.0.1:9/db?connect_timeout=2")
    assert done.code == 1
    assert "writing to postgresql://***@127.0.0.1:9/db" in done.stderr
    assert "s3cret-pw" not in done.output


def test_a_backdrop_still_needs_the_token_and_l_still_needs_b(run_cli, sandbox):
    done = collect(run_cli, f"{sandbox.url}/data")
    assert done.code == 2 and "-t/--token" in done.stderr
    slug = run_cli(args=["-l", "some-slug", "-c", str(run_cli.write("c.json", {})),
                         "--store", "sqlite:///pp.db"])
    assert slug.code == 2 and "-l/--collector needs -b/--performanceplatform" in slug.stderr
