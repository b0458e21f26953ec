"""The sandbox's Backdrop double keeps Backdrop's write contract (spec core.md §3, §5.11)."""

from __future__ import annotations

import gzip
import json

import pytest
import requests

from tests.helpers import SANDBOX_TOKEN

GOOD = {"_id": "foo", "_timestamp": "2014-01-02T06:04:05+03:30", "count": 1}


def post(sandbox, body, token=SANDBOX_TOKEN, headers=None, path="/data/group/type"):
    sent = {"Content-Type": "application/json"}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    sent.update(headers or {})
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(sandbox.url + path, data=data, headers=sent, timeout=10)


def read(sandbox, **params):
    return requests.get(f"{sandbox.url}/data/group/type", params=params, timeout=10)


def test_status(sandbox):
    answer = requests.get(f"{sandbox.url}/_status", timeout=10)
    assert answer.json()["status"] == "ok"
    assert requests.post(f"{sandbox.url}/_status", timeout=10).status_code == 405


def test_missing_authorization(sandbox):
    answer = post(sandbox, [], token=None)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "bearer"
    assert answer.json()["message"] == "Expected header of form: Authorization: Bearer <token>"


@pytest.mark.parametrize("header", ["Bearer", "Bearer not-the-token", "bearer " + SANDBOX_TOKEN])
def test_wrong_tokens(sandbox, header):
    answer = post(sandbox, [], token=None, headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.json()["message"].startswith("Unauthorized: Invalid bearer token")


def test_not_json_content_type(sandbox):
    answer = post(sandbox, "foobar", headers={"Content-Type": "text/plain"})
    assert answer.status_code == 400
    assert answer.json() == {"messages": [
        "ValidationError('Expected header: Content-type: application/json',)"]}


def test_malformed_json_and_empty_body(sandbox):
    assert post(sandbox, "{borked!}").json()["message"].startswith("Error parsing JSON: ")
    empty = post(sandbox, b"")
    assert empty.status_code == 400
    assert empty.json()["message"] == "Expected JSON request body but received zero bytes."


def test_an_object_is_one_record_and_timestamps_become_utc(sandbox):
    assert post(sandbox, GOOD).json() == {"status": "ok"}
    [record] = read(sandbox).json()["data"]
    assert record["_timestamp"] == "2014-01-02T02:34:05+00:00"
    assert record["_week_start_at"] == "2013-12-30T00:00:00+00:00"


def test_upsert_by_id_replaces_the_whole_record(sandbox):
    post(sandbox, [GOOD, dict(GOOD, _id="bar")])
    post(sandbox, {"_id": "foo", "_timestamp": "2014-01-03T00:00:00Z", "other": 2})
    records = {r["_id"]: r for r in read(sandbox).json()["data"]}
    assert len(records) == 2
    assert "count" not in records["foo"] and records["foo"]["other"] == 2


@pytest.mark.parametrize("record,message", [
    ({"": "", "_timestamp": "2014-01-01T00:00:00Z"}, " is not a valid key"),
    ({"_id": "f o o", "_timestamp": "2014-01-01T00:00:00Z"}, '_id "f o o" is not a valid id'),
    ({"_foo": "bar", "_timestamp": "2014-01-01T00:00:00Z"},
     "_foo is not a recognised internal field"),
    ({"thing": {}, "_timestamp": "2014-01-01T00:00:00Z"}, "thing has an invalid value"),
    ({"count": 1}, "'_timestamp' is a required property"),
    ({"_timestamp": "2014-06-1xxx0:00:00+0000"}, "is not a 'date-time'"),
])
def test_invalid_records_are_refused_whole(sandbox, record, message):
    answer = post(sandbox, [GOOD, record])
    assert answer.status_code == 400
    assert any(message in m for m in answer.json()["messages"])
    assert read(sandbox).json()["data"] == []


def test_the_spec_batch_has_eight_errors_when_auto_ids_are_off(sandbox):
    batch = [{"_timestamp": "2014-06-1xxx0:00:00+0000"}, {"thing": {}}, {"_foo": "bar"}]
    messages = post(sandbox, batch).json()["messages"]
    assert len(messages) >= 6  # 8 with auto_ids, which the sandbox does not configure


def test_gzip_bodies_and_bombs(sandbox):
    body = gzip.compress(json.dumps([dict(GOOD, _id=f"i{i}") for i in range(500)]).encode())
    assert post(sandbox, body, headers={"Content-Encoding": "gzip"}).status_code == 200
    bomb = gzip.compress(b"[" + b" " * (11 * 1024 * 1024) + b"]")
    assert post(sandbox, bomb, headers={"Content-Encoding": "gzip"}).status_code == 413


@pytest.mark.parametrize("size,status", [(10 * 1024 * 1024, 200), (10 * 1024 * 1024 + 1, 413)])
def test_the_body_limit_is_10_mib_exactly(sandbox, size, status):
    body = b"[" + b" " * (size - 2) + b"]"  # an empty list, padded to ``size`` bytes
    answer = post(sandbox, gzip.compress(body), headers={"Content-Encoding": "gzip"})
    assert answer.status_code == status


def test_filter_by_true_and_false_match_booleans_only(sandbox):
    post(sandbox, [
        {"_id": "a", "_timestamp": "2014-01-01T00:00:00Z", "flag": True},
        {"_id": "b", "_timestamp": "2014-01-01T00:00:00Z", "flag": "true"},
        {"_id": "c", "_timestamp": "2014-01-01T00:00:00Z", "flag": False},
        {"_id": "d", "_timestamp": "2014-01-01T00:00:00Z", "flag": "false"},
    ])
    assert [r["_id"] for r in read(sandbox, filter_by="flag:true").json()["data"]] == ["a"]
    assert [r["_id"] for r in read(sandbox, filter_by="flag:false").json()["data"]] == ["c"]
    assert [r["_id"] for r in read(sandbox, filter_by="flag:True").json()["data"]] == []


def test_put_empties_and_refuses_anything_but_an_empty_list(sandbox):
    post(sandbox, GOOD)
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "Content-Type": "application/json"}
    url = f"{sandbox.url}/data/group/type"
    assert requests.put(url, data="[1]", headers=headers, timeout=10).status_code == 400
    answer = requests.put(url, data="[]", headers=headers, timeout=10)
    assert answer.json()["message"] == "group_type now contains 0 records"
    assert read(sandbox).json()["data"] == []


def test_unknown_data_sets_are_404(sandbox, sandbox_config):
    sandbox_config.auto_data_sets = False
    try:
        assert post(sandbox, GOOD).status_code == 404
    finally:
        sandbox_config.auto_data_sets = True


def test_reads_filter_sort_and_limit(sandbox):
    post(sandbox, [
        {"_id": "a", "_timestamp": "2014-01-01T00:00:00Z", "kind": "x", "count": 3},
        {"_id": "b", "_timestamp": "2014-01-02T00:00:00Z", "kind": "y", "count": 1},
        {"_id": "c", "_timestamp": "2014-01-03T00:00:00Z", "kind": "x", "count": 2},
    ])
    ids = [r["_id"] for r in read(sandbox, filter_by="kind:x").json()["data"]]
    assert ids == ["a", "c"]
    ranged = read(sandbox, start_at="2014-01-02T00:00:00Z", end_at="2014-01-03T00:00:00Z")
    assert [r["_id"] for r in ranged.json()["data"]] == ["b"]
    ordered = read(sandbox, sort_by="count:descending", limit="2").json()["data"]
    assert [r["_id"] for r in ordered] == ["a", "c"]
    assert read(sandbox, bogus="1").status_code == 400
    assert read(sandbox, start_at="yesterday", end_at="2014-01-03T00:00:00Z").status_code == 400
