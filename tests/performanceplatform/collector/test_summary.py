"""The line that ends a run: ``wrote N records to group/type in T s (K requests, R retries)``,
checked through the real CLI against the sandbox: N against what the store holds, K against
the sandbox's own request log, R with injected 503s."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import inject, served, stored
from tests.performanceplatform.collector.ga4.test_e2e import ga4_query
from tests.performanceplatform.google import keys

SUMMARY = re.compile(r"(wrote|would write) (\d+) records? to (\S+(?: (?:in|on) .+?)?) in "
                     r"(\d+\.\d) s \((\d+) requests?, (\d+) retr(?:y|ies)\)")
BACKFILL = ("-s", "2018-07-16", "-e", "2018-07-29")  # two GA4 weeks


@pytest.fixture
def credentials(tmp_path, service_settings):
    service_settings("ga4")["rows_per_day"] = 3
    service_settings("google_oauth")
    folder = tmp_path / "google"
    folder.mkdir()
    return keys.write_storage_credentials(folder)


def summaries(text: str) -> list[tuple[str, int, str, int, int]]:
    return [(verb, int(n), where, int(k), int(r))
            for verb, n, where, _, k, r in SUMMARY.findall(text)]


def test_the_numbers_are_those_the_sandbox_saw(run_cli, sandbox, credentials):
    result = run_cli(ga4_query({"limit": 4}, {"chunk-size": 10}), credentials, *BACKFILL)
    assert result.code == 0, result.stderr
    requests = served(sandbox)  # before stored(), whose GET the sandbox logs too
    assert len(stored(sandbox, "g4", "visits")) == 42
    assert [r["method"] for r in requests if r["service"] == "backdrop"] == ["POST"] * 5
    assert summaries(result.stderr) == [("wrote", 42, "g4/visits", len(requests), 0)]


def test_retries_are_counted_and_each_attempt_is_a_request(run_cli, sandbox, credentials):
    inject(sandbox, service="backdrop", status=503, count=2)
    inject(sandbox, service="ga4", status=503, count=1)
    result = run_cli(ga4_query(), credentials, *BACKFILL)
    assert result.code == 0, result.stderr
    requests = served(sandbox)
    assert sum(r["status"] == 503 for r in requests) == 3
    assert summaries(result.stderr) == [("wrote", 42, "g4/visits", len(requests), 3)]


def test_a_dry_run_says_would_write_and_sends_nothing_to_backdrop(run_cli, sandbox,
                                                                  credentials):
    result = run_cli(ga4_query(), credentials, *BACKFILL, "--dry-run")
    assert result.code == 0, result.stderr
    assert served(sandbox, "backdrop") == []
    assert summaries(result.stderr) == [("would write", 42, "g4/visits", len(served(sandbox)),
                                         0)]


def test_a_failed_run_ends_with_its_failure_line_and_no_summary(run_cli, sandbox, credentials):
    inject(sandbox, service="backdrop", status=400, count=1)
    result = run_cli(ga4_query(), credentials, *BACKFILL)
    assert result.code == 1
    assert "pp-collector: error:" in result.stderr.splitlines()[-1]
    assert "nothing was written" in result.stderr.splitlines()[-1]
    assert summaries(result.stderr) == []


def test_records_on_stdout_leave_the_summary_on_stderr(run_cli, sandbox, credentials):
    result = run_cli(ga4_query(), credentials, *BACKFILL, "--store", "-")
    assert result.code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 42
    assert summaries(result.stderr) == [("wrote", 42, "g4/visits on standard output",
                                         len(served(sandbox)), 0)]


def test_a_local_store_is_named(run_cli, sandbox, credentials, tmp_path):
    store = f"sqlite:///{tmp_path / 'pp.db'}"
    result = run_cli(ga4_query(), credentials, *BACKFILL, "--store", store)
    assert result.code == 0, result.stderr
    assert summaries(result.stderr) == [("wrote", 42, f"g4/visits in {store}",
                                         len(served(sandbox)), 0)]
