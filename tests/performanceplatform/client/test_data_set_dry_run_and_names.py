"""The Backdrop client's dry-run lines, its other constructors and its argument checks."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from performanceplatform.client import DataSet
from performanceplatform.client.base import encode_json


def dry_run_lines(caplog, client: DataSet, records) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert client.post(records) is None
    return [r.getMessage() for r in caplog.records if r.name == "performanceplatform.client.base"]


def test_a_dry_run_shows_the_method_url_masked_headers_and_body(caplog):
    client = DataSet("http://backdrop.example/data/g/t?token=s3cr3t", "write-token",
                     dry_run=True, request_id_fn=lambda: "req-1")
    head, body = dry_run_lines(caplog, client, [{"_id": "a"}])
    assert head == ('HTTP POST to "http://backdrop.example/data/g/t?token=***"\nheaders: '
                    "{'Accept': 'application/json', 'User-Agent': '"
                    f"{client._headers(False)['User-Agent']}', 'Govuk-Request-Id': 'req-1', "
                    "'Authorization': 'Bearer ***', 'Content-Type': 'application/json'}")
    assert body == '[{"_id": "a"}]'


def test_a_dry_run_of_a_text_body_shows_it_as_it_is(caplog):
    client = DataSet("http://backdrop.example/data/g/t", None, dry_run=True)
    head, body = dry_run_lines(caplog, client, '[{"_id": "b"}]')
    assert body == '[{"_id": "b"}]'
    assert "Authorization" not in head and "'Govuk-Request-Id': 'Not-Set'" in head


def test_from_name_and_from_config():
    named = DataSet.from_name("http://b/data", "g/t/")
    assert (named.base_url, named.token, named.dry_run) == ("http://b/data/g/t", None, False)
    assert DataSet.from_name("http://b/data", "x", dry_run=True).dry_run is True
    assert DataSet.from_name("http://b/data", "aX/").base_url == "http://b/data/aX"
    configured = DataSet.from_config({"url": "http://b/data/g/t", "token": "tok",
                                      "dry_run": True})
    assert (configured.base_url, configured.token, configured.dry_run) == \
        ("http://b/data/g/t", "tok", True)
    grouped = DataSet.from_group_and_type("http://b/data", "g", "")
    assert (grouped.base_url, grouped.token, grouped.dry_run) == ("http://b/data/g", None, False)


def test_set_token():
    client = DataSet("http://b/data/g/t", None)
    client.set_token("tok")
    assert client.token == "tok"
    with pytest.raises(Exception, match="^token must be a string$"):
        client.set_token(5)  # type: ignore[arg-type]


def test_what_json_cannot_encode_is_named():
    assert encode_json({"at": dt.datetime(2018, 8, 1, 12)}) == \
        '{"at": "2018-08-01T12:00:00+00:00"}'
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        encode_json({"x": {1}})


def test_a_dry_run_names_each_method_and_each_chunk(caplog):
    client = DataSet("http://backdrop.example/data/g/t", None, dry_run=True)
    with caplog.at_level(logging.INFO):
        client.post([{"_id": "a"}, {"_id": "b"}, {"_id": "c"}], chunk_size=2)
        client.empty_data_set()
        client.get()
    lines = [r.getMessage().split("\n")[0] for r in caplog.records
             if r.name == "performanceplatform.client.base"]
    url = '"http://backdrop.example/data/g/t"'
    assert lines == ["Sending chunk 1", f"HTTP POST to {url}", '[{"_id": "a"}, {"_id": "b"}]',
                     "Sending chunk 2", f"HTTP POST to {url}", '[{"_id": "c"}]',
                     f"HTTP PUT to {url}", "[]", f"HTTP GET to {url}", "null"]


def test_chunking_something_that_is_not_a_list_says_so():
    from performanceplatform.client import ChunkingError

    with pytest.raises(ChunkingError, match="^Can only chunk on lists$"):
        DataSet("http://b/data/g/t", None, dry_run=True).post({"a": 1}, chunk_size=2)


def test_a_source_failing_mid_stream_with_a_plain_error_keeps_its_message(caplog):
    def rows():
        yield {"_id": "a"}
        yield {"_id": "b"}
        raise ValueError("source broke")

    client = DataSet("http://b/data/g/t", None, dry_run=True)
    with pytest.raises(ValueError) as failure:
        client.post(rows(), chunk_size=1)
    assert str(failure.value) == "source broke"
    assert "2 records in 2 chunks were written before the failure; the rest were not" in \
        caplog.messages


def test_from_config_refuses_a_local_store_and_says_where_to_write():
    from performanceplatform.utils.errors import ConfigError

    with pytest.raises(ConfigError) as refused:
        DataSet.from_config({"url": "http://b/data/g/t", "token": "t", "dry_run": False,
                             "store": "/tmp/store"})
    assert str(refused.value) == (
        "data_set_config: key 'store': DataSet.from_config writes to a Backdrop only and this "
        "run's records go to a local store: write them through "
        "performanceplatform.sinks.data_set_for(data_set_config) or Pusher")


def test_group_and_type_are_kept_as_given():
    assert DataSet.from_group_and_type("http://b/data", "g", "aX").base_url == \
        "http://b/data/g/aX"


def test_a_dry_run_counts_the_records_it_would_have_written_and_sees_their_ids():
    from performanceplatform.utils import writes

    client = DataSet("http://backdrop.example/data/g/t", None, dry_run=True)
    with writes.recording() as run:
        client.empty_data_set()
        client.post([{"_id": "a", "n": 1}, {"_id": "b"}, {"_id": "c"}])
        client.post({"_id": "a", "n": 2, "other": 3})  # one record, whatever its fields
        client.post(iter([{"_id": "d"}, {"_id": "e"}]), chunk_size=1)
        client.get()
    assert run.would_write == 6
    assert (run.records, run.chunks, run.emptied) == (0, 0, False)  # nothing was sent
    assert run.clashing_ids == ["a"]


def test_a_collector_error_from_the_source_gets_the_count_and_keeps_its_other_arguments():
    from performanceplatform.utils.errors import CollectorError

    def rows():
        yield {"_id": "a"}
        raise CollectorError("a third-party collector broke", "its detail")

    client = DataSet("http://b/data/g/t", None, dry_run=True)
    with pytest.raises(CollectorError) as failure:
        client.post(rows(), chunk_size=1)
    assert failure.value.args == ("a third-party collector broke (1 record in 1 chunk was "
                                  "written before the failure; the rest were not)", "its detail")
