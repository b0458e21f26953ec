"""The Backdrop client's requests and answers in detail: the gzip threshold, the headers,
what a refusal, a non-JSON or an empty answer and a connection failure become."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from performanceplatform.client import DataSet
from performanceplatform.client.base import GZIP_ABOVE, encode_json
from performanceplatform.utils.errors import SinkError
from tests.helpers import SANDBOX_TOKEN, inject, served, stored


def data_set(sandbox, **kwargs) -> DataSet:
    return DataSet(f"{sandbox.url}/data/group/type", SANDBOX_TOKEN, **kwargs)


def records_of_size(size: int) -> list[dict]:
    """One record whose JSON body is exactly ``size`` bytes."""
    record = {"_id": "a", "_timestamp": "2018-08-01T00:00:00+00:00", "pad": ""}
    return [dict(record, pad="x" * (size - len(encode_json([record]))))]


def test_bodies_are_gzipped_only_above_2048_bytes(sandbox):
    assert GZIP_ABOVE == 2048
    for size in (2048, 2049):
        assert len(encode_json(records_of_size(size))) == size
        data_set(sandbox).post(records_of_size(size))
    at, above = served(sandbox, "backdrop")
    assert (at["gzip"], at["body_bytes"]) == (False, 2048)
    assert above["gzip"] and above["body_bytes"] < 2049
    assert stored(sandbox, "group", "type")[0]["pad"] == "x" * len(records_of_size(2049)[0]["pad"])


def test_a_refusal_is_logged_and_raised_with_a_short_one_line_body(sandbox, caplog):
    body = "bad\n   request " + "y" * 400
    inject(sandbox, service="backdrop", status=400, body=body, count=1)
    with pytest.raises(SinkError) as failure:
        data_set(sandbox).post([{"_id": "a"}])
    text = ("bad request " + "y" * 400)[:300]
    assert str(failure.value) == f"POST {sandbox.url}/data/group/type answered HTTP 400: {text}"
    assert (failure.value.status, failure.value.url) == (400, f"{sandbox.url}/data/group/type")
    assert f"[PP-C] {text}" in [r.getMessage() for r in caplog.records
                                if r.levelno == logging.ERROR]


def test_a_non_json_answer_is_a_sink_error(sandbox):
    inject(sandbox, service="backdrop", status=200, body="<html>ok</html>", count=1)
    with pytest.raises(SinkError) as failure:
        data_set(sandbox).post([{"_id": "a"}])
    assert str(failure.value) == (f"POST {sandbox.url}/data/group/type answered HTTP 200 with "
                                  "a body that is not JSON")
    assert (failure.value.status, failure.value.url) == (200, f"{sandbox.url}/data/group/type")


def test_a_json_answer_is_returned(sandbox):
    data_set(sandbox).post([{"_id": "a", "_timestamp": "2018-08-01T00:00:00+00:00"}])
    assert data_set(sandbox).get()["data"][0]["_id"] == "a"


@pytest.fixture
def empty_answers():
    """A server on loopback that answers every request with 200 and no body."""
    seen: list[dict] = []

    class Empty(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            seen.append(dict(self.headers))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = _answer  # noqa: N815

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Empty)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/data/g/t", seen
    server.shutdown()
    server.server_close()


def test_an_empty_answer_is_none_and_the_headers_are_complete(empty_answers):
    url, seen = empty_answers
    client = DataSet(url, "tok", request_id_fn=lambda: "req-7")
    assert client.post([{"_id": "a"}]) is None
    assert client.get() is None
    posted, got = seen
    assert posted["Accept"] == "application/json"
    assert posted["Govuk-Request-Id"] == "req-7"
    assert posted["Authorization"] == "Bearer tok"
    assert posted["Content-Type"] == "application/json"
    assert "Content-Type" not in got and "Content-Encoding" not in posted
    anonymous = DataSet(url, None)
    anonymous.get()
    assert "Authorization" not in seen[-1] and seen[-1]["Govuk-Request-Id"] == "Not-Set"


def test_a_connection_failure_is_one_sink_error():
    client = DataSet("http://127.0.0.1:9/data/g/t?token=s3cr3t", "tok", retry_on_error=False)
    with pytest.raises(SinkError) as failure:
        client.post([{"_id": "a"}])
    assert str(failure.value) == ("POST http://127.0.0.1:9/data/g/t?token=*** failed: could not "
                                  "connect (ConnectionError)")
    assert failure.value.url == "http://127.0.0.1:9/data/g/t?token=***"
    assert client.retry_policy.attempts == 1
    assert DataSet("http://x", None).retry_policy.attempts == 5


def test_a_failed_chunk_keeps_the_url_and_status(sandbox):
    records = [{"_id": f"id{i}", "_timestamp": "2018-08-01T00:00:00+00:00"} for i in range(3)]
    records[2]["bad-key"] = 1
    with pytest.raises(SinkError) as failure:
        data_set(sandbox).post(records, chunk_size=2)
    assert (failure.value.status, failure.value.url) == (400, f"{sandbox.url}/data/group/type")
    assert (failure.value.written_records, failure.value.written_chunks) == (2, 1)


def test_a_large_body_says_it_is_gzip_encoded(empty_answers):
    url, seen = empty_answers
    DataSet(url, "tok").post(records_of_size(GZIP_ABOVE + 1))
    headers = {name.lower(): value for name, value in seen[-1].items()}  # names: any case
    assert headers["content-encoding"] == "gzip"
