"""The Backdrop client against the sandbox's Backdrop (spec core.md §2, §5.8–5.9)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging

import pytest

from performanceplatform.client import ChunkingError, DataSet
from performanceplatform.client.base import BaseClient, encode_json
from performanceplatform.utils.errors import SinkError
from tests.helpers import SANDBOX_TOKEN, inject, served, stored

RECORD = {"_id": "a", "_timestamp": "2012-12-12T00:00:00+00:00", "count": 1}


def data_set(sandbox, token=SANDBOX_TOKEN, **kwargs) -> DataSet:
    return DataSet.from_group_and_type(f"{sandbox.url}/data", "group", "type", token=token,
                                       **kwargs)


def records(n: int) -> list[dict]:
    return [dict(RECORD, _id=f"id{i}", count=i) for i in range(n)]


def test_constructors_keep_url_token_and_dry_run():
    assert DataSet("foo", "bar").base_url == "foo"
    configured = DataSet.from_config({"url": "foo", "token": "bar", "dry_run": True})
    assert (configured.base_url, configured.token, configured.dry_run) == ("foo", "bar", True)
    named = DataSet.from_name("foo", "woof", True)
    assert (named.base_url, named.token, named.dry_run) == ("foo/woof", None, True)
    named.set_token("hotflops69")
    assert named.token == "hotflops69"
    assert DataSet.from_group_and_type("base.url.com", "dogs", "hair-length").base_url == \
        "base.url.com/dogs/hair-length"


@pytest.mark.parametrize("base_url", [None, 123])
def test_base_url_must_be_text(base_url):
    with pytest.raises(ValueError, match="^base_url must be a string$"):
        BaseClient(base_url, "")


def test_token_must_be_text_or_none():
    with pytest.raises(ValueError, match="^token must be a string or None$"):
        BaseClient("", 123)
    BaseClient("", None)
    BaseClient("", "")


def test_naive_datetimes_are_sent_as_utc():
    assert encode_json({"key": dt.datetime(2012, 12, 12)}) == \
        '{"key": "2012-12-12T00:00:00+00:00"}'


def test_post_sends_bearer_json_and_user_agent(sandbox):
    data_set(sandbox).post(RECORD)
    [request] = served(sandbox, "backdrop")
    assert request["method"] == "POST" and request["path"] == "/data/group/type"
    assert request["authorization"] == "Bearer"
    assert request["content_type"] == "application/json"
    assert request["user_agent"].startswith("pp-collector/")
    assert stored(sandbox, "group", "type")[0]["count"] == 1


def test_chunks_of_any_iterable_are_posted_in_order(sandbox):
    data_set(sandbox).post((r for r in records(5)), chunk_size=2)
    posts = [r for r in served(sandbox, "backdrop") if r["method"] == "POST"]
    assert len(posts) == 3
    assert [r["count"] for r in stored(sandbox, "group", "type")] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("data", ["bar", b"bar", 1, {"a": 1}])
def test_only_list_likes_can_be_chunked(sandbox, data):
    with pytest.raises(ChunkingError):
        data_set(sandbox).post(data, chunk_size=1)


def test_large_bodies_are_gzipped_and_small_ones_are_not(sandbox):
    data_set(sandbox).post(records(1))
    data_set(sandbox).post(records(60))
    small, large = served(sandbox, "backdrop")
    assert not small["gzip"]
    assert large["gzip"] and large["body_bytes"] < len(encode_json(records(60)))
    assert len(stored(sandbox, "group", "type")) == 60


def test_a_gzipped_post_retried_after_503_resends_the_whole_body(sandbox):
    inject(sandbox, service="backdrop", status=503, count=1)
    data_set(sandbox).post(records(60))
    first, second = served(sandbox, "backdrop")
    assert (first["status"], second["status"]) == (503, 200)
    assert first["body_bytes"] == second["body_bytes"] > 0
    assert len(stored(sandbox, "group", "type")) == 60


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(sandbox, status):
    inject(sandbox, service="backdrop", status=status, count=2, headers={"Retry-After": "0"})
    data_set(sandbox).post(records(1))
    assert [r["status"] for r in served(sandbox, "backdrop")] == [status, status, 200]


def test_a_dropped_connection_is_retried(sandbox):
    inject(sandbox, service="backdrop", reset=True, status=None, count=1)
    data_set(sandbox).post(records(2))
    assert len(stored(sandbox, "group", "type")) == 2


def test_retries_are_bounded(sandbox):
    inject(sandbox, service="backdrop", status=502, count=10)
    with pytest.raises(SinkError, match="HTTP 502"):
        data_set(sandbox).post(records(1))
    assert len(served(sandbox, "backdrop")) == 5


def test_no_retry_when_retry_on_error_is_off(sandbox):
    inject(sandbox, service="backdrop", status=502, count=10)
    client = DataSet(f"{sandbox.url}/data/group/type", SANDBOX_TOKEN, retry_on_error=False)
    with pytest.raises(SinkError):
        client.post(records(1))
    assert len(served(sandbox, "backdrop")) == 1


def test_client_errors_are_not_retried_and_name_the_url(sandbox):
    with pytest.raises(SinkError) as failure:
        data_set(sandbox, token="wrong-token").post(records(1))
    assert failure.value.status == 401
    assert "/data/group/type" in str(failure.value)
    assert len(served(sandbox, "backdrop")) == 1


@pytest.mark.parametrize("bad_index,written,words", [
    (3, 2, "(chunk 2 (2 records) not written; 1 earlier chunk with 2 records was written; "
           "later chunks were not sent)"),
    (4, 4, "(chunk 3 (1 record) not written; 2 earlier chunks with 4 records were written; "
           "later chunks were not sent)"),
    (0, 0, "(chunk 1 (2 records) not written; nothing was written before it; "
           "later chunks were not sent)"),
])
def test_a_failed_chunk_says_what_was_written(sandbox, bad_index, written, words):
    bad = records(5)
    bad[bad_index]["bad-key"] = 1
    with pytest.raises(SinkError) as failure:
        data_set(sandbox).post(bad, chunk_size=2)
    assert failure.value.written_records == written
    assert failure.value.written_chunks == written // 2
    assert str(failure.value).endswith(words)
    assert "emptied" not in str(failure.value)
    assert len(stored(sandbox, "group", "type")) == written


@pytest.mark.parametrize("chunk_size,words", [
    (2, "(chunk 2 (1 record) not written; 1 earlier chunk with 2 records was written; later "
        "chunks were not sent); the data set was emptied before this write and now holds only "
        "the 2 records written before the failure: re-run to fill it"),
    (0, "; the data set was emptied before this write and now holds no records: re-run to "
        "fill it"),
])
def test_a_write_failing_after_emptying_says_the_data_set_was_emptied(sandbox, chunk_size,
                                                                      words):
    data_set(sandbox).post(records(5))
    bad = records(3)
    bad[2]["bad-key"] = 1
    target = data_set(sandbox)
    target.empty_data_set()
    with pytest.raises(SinkError) as failure:
        target.post(bad, chunk_size=chunk_size)
    assert str(failure.value).endswith(words)
    assert failure.value.status == 400
    assert len(stored(sandbox, "group", "type")) == chunk_size


def test_empty_data_set_puts_an_empty_list(sandbox):
    data_set(sandbox).post(records(3))
    data_set(sandbox).empty_data_set()
    assert stored(sandbox, "group", "type") == []
    assert served(sandbox, "backdrop")[-2]["method"] == "PUT"


def test_dry_run_logs_twice_with_a_masked_token_and_sends_nothing(sandbox, caplog):
    caplog.set_level(logging.INFO)
    data_set(sandbox, dry_run=True).post(records(1))
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("performance")]
    assert len(messages) == 2
    assert "Bearer ***" in messages[0] and SANDBOX_TOKEN not in messages[0]
    assert json.loads(messages[1])[0]["_id"] == "id0"
    assert served(sandbox, "backdrop") == []


def test_get_passes_query_parameters(sandbox):
    data_set(sandbox).post(records(3))
    assert len(data_set(sandbox).get({"limit": "2"})["data"]) == 2


def test_gzip_body_is_a_complete_stream():
    body = gzip.compress(("x" * 3000).encode(), mtime=0)
    assert body[:3] == b"\x1f\x8b\x08" and len(body) < 60


def test_a_source_failing_mid_stream_says_what_was_written(sandbox):
    from performanceplatform.utils.errors import SourceError

    def source():
        yield from records(5)
        raise SourceError("pingdom: GET https://api.pingdom.com/x answered HTTP 500")

    with pytest.raises(SourceError) as failure:
        data_set(sandbox).post(source(), chunk_size=2)
    assert "4 records in 2 chunks were written before the failure" in str(failure.value)
    assert len(stored(sandbox, "group", "type")) == 4


def test_a_source_failing_after_one_record_says_so_in_the_singular(sandbox):
    from performanceplatform.utils.errors import SourceError

    def source():
        yield from records(1)
        raise SourceError("source died")

    with pytest.raises(SourceError) as failure:
        data_set(sandbox).post(source(), chunk_size=1)
    assert str(failure.value) == ("source died (1 record in 1 chunk was written before the "
                                  "failure; the rest were not)")


def test_a_source_failing_before_any_write_is_reported_as_it_is(sandbox):
    from performanceplatform.utils.errors import SourceError

    def source():
        raise SourceError("nothing fetched")
        yield

    with pytest.raises(SourceError, match="^nothing fetched$"):
        data_set(sandbox).post(source(), chunk_size=2)


@pytest.mark.parametrize("status", [200, 204])
def test_an_empty_answer_to_a_write_is_success_with_nothing_to_return(sandbox, status):
    inject(sandbox, service="backdrop", status=status, body="")
    assert data_set(sandbox).post(records(1)) is None
    assert data_set(sandbox).post(records(1)) == {"status": "ok"}  # the real answer
    assert len(served(sandbox, "backdrop")) == 2


def test_a_write_answered_200_with_a_body_that_is_not_json_is_an_error(sandbox):
    inject(sandbox, service="backdrop", status=200, body="<html>proxy</html>")
    with pytest.raises(SinkError, match="HTTP 200 with a body that is not JSON"):
        data_set(sandbox).post(records(1))


@pytest.mark.parametrize("size,gzipped", [(2047, False), (2048, False), (2049, True)])
def test_bodies_are_gzipped_above_2048_bytes_exactly(sandbox, size, gzipped):
    record = dict(RECORD, pad="")
    record["pad"] = "x" * (size - len(encode_json([record])))
    assert len(encode_json([record])) == size
    data_set(sandbox).post([record])
    [request] = served(sandbox, "backdrop")
    assert request["gzip"] is gzipped
    assert (request["body_bytes"] == size) is not gzipped
    assert stored(sandbox, "group", "type")[0]["pad"] == record["pad"]


def test_after_emptying_a_failed_write_in_flight_keeps_what_it_wrote(sandbox):
    bad = records(4)
    bad[0]["bad-key"] = 1
    target = data_set(sandbox)
    target.empty_data_set()
    inject(sandbox, service="backdrop", status=None, delay=0.5, count=2)  # both in flight
    with pytest.raises(SinkError) as failure:
        target.post(bad, chunk_size=2, in_flight=2)
    error = failure.value
    assert str(error).endswith(
        "(chunk 1 (2 records) not written; chunk 2 with 2 records was written; later chunks "
        "were not sent); the data set was emptied before this write and now holds only the 2 "
        "records written before the failure: re-run to fill it")
    assert (error.url, error.status) == (f"{sandbox.url}/data/group/type", 400)
    assert (error.written_records, error.written_chunks, error.written_ranges) == \
        (2, 1, ((2, 4),))  # what the pipeline's account of the periods reads


def test_records_of_any_iterable_go_in_one_post_without_a_chunk_size(sandbox):
    data_set(sandbox).post(r for r in records(3))
    data_set(sandbox).post(tuple(records(5))[3:])
    assert [r["method"] for r in served(sandbox, "backdrop")] == ["POST", "POST"]
    assert [r["count"] for r in stored(sandbox, "group", "type")] == [0, 1, 2, 3, 4]


def test_a_text_body_is_posted_as_it_is(sandbox):
    data_set(sandbox).post(json.dumps([RECORD]))
    assert stored(sandbox, "group", "type")[0]["count"] == 1


def test_a_get_sends_no_body(sandbox):
    data_set(sandbox).get()
    [request] = served(sandbox, "backdrop")
    assert (request["method"], request["body_bytes"], request["content_type"]) == \
        ("GET", 0, None)


def test_the_run_counts_the_records_and_chunks_backdrop_accepted(sandbox):
    from performanceplatform.utils import writes

    client = data_set(sandbox)
    with writes.recording() as run:
        client.post(records(3))
        client.post(RECORD)  # one record
        client.get()
        assert not run.emptied
        client.empty_data_set()
        client.post(records(5), chunk_size=2)
    assert (run.records, run.chunks, run.emptied, run.would_write) == (9, 5, True, 0)
    assert run.summary() == ("the data set was emptied; 9 records in 5 chunks were written (a "
                             "re-run overwrites them by _id); the rest were not written")
