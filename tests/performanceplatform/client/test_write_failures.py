"""What a failed write says, through the real CLI: which chunk, how many records were written,
and, after ``empty-data-set`` (or G-Cloud's emptying), that the data set was emptied."""

from __future__ import annotations

import requests

from performanceplatform.sandbox.gcloud import make_sales_csv
from tests.helpers import SANDBOX_TOKEN, inject, stored
from tests.performanceplatform.collector.test_main import QUERY, RECORD, assert_one_line_failure


def seed(sandbox, group: str, data_type: str, count: int) -> None:
    old = [dict(RECORD, _id=f"old{i}") for i in range(count)]
    requests.post(f"{sandbox.url}/data/{group}/{data_type}", json=old, timeout=10,
                  headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}).raise_for_status()


def test_empty_data_set_then_a_failed_chunk_says_the_data_set_was_emptied(sandbox, run_cli):
    seed(sandbox, "g", "t", 7)
    records = [dict(RECORD, _id=f"r{i}") for i in range(3)]
    records[2]["bad-key"] = 1
    query = dict(QUERY, query={"records": records},
                 options={"chunk-size": 2, "empty-data-set": True})
    result = run_cli(query, {})
    assert_one_line_failure(result, "/data/g/t answered HTTP 400",
                            "(chunk 2 (1 record) not written; 1 earlier chunk with 2 records was "
                            "written; later chunks were not sent)",
                            "the data set was emptied before this write and now holds only the "
                            "2 records written before the failure")
    assert [r["_id"] for r in stored(sandbox, "g", "t")] == ["r0", "r1"]


def test_without_empty_data_set_a_failed_write_does_not_mention_emptying(sandbox, run_cli):
    records = [dict(RECORD, _id=f"r{i}") for i in range(3)]
    records[0]["bad-key"] = 1
    result = run_cli(dict(QUERY, query={"records": records}, options={"chunk-size": 2}), {})
    assert_one_line_failure(result, "(chunk 1 (2 records) not written; nothing was written "
                            "before it; later chunks were not sent)")
    assert "emptied" not in result.stderr


def test_gcloud_emptying_then_a_failed_write_says_the_data_set_was_emptied(sandbox, run_cli,
                                                                          tmp_path):
    seed(sandbox, "gcloud-test", "sales", 3)
    (tmp_path / "spend.csv").write_bytes(
        make_sales_csv(months=2, rows_per_month=10, first_month="2016-12", seed=3))
    inject(sandbox, service="backdrop", status=None, count=1)  # the PUT passes, the POST fails
    inject(sandbox, service="backdrop", status=400, count=1,
           body='{"messages": ["refused"]}', path="/data/gcloud-test/sales")
    query = {"entrypoint": "performanceplatform.collector.gcloud",
             "data-set": {"data-group": "gcloud-test", "data-type": "sales"},
             "query": {"csv_file": "spend.csv"}, "options": {"chunk-size": 30}}
    result = run_cli(query, {}, "--concurrency", "1")  # one POST at a time: chunk 1 fails
    assert_one_line_failure(result, "answered HTTP 400",
                            "(chunk 1 (30 records) not written; nothing was written before it",
                            "the data set was emptied before this write and now holds no "
                            "records: re-run to fill it")
    assert stored(sandbox, "gcloud-test", "sales") == []
