"""The error classes keep what the CLI reports: where, key, url, status, what was written."""

from __future__ import annotations

from performanceplatform.utils.errors import (
    CollectorError,
    ConfigError,
    SinkError,
    SourceError,
)


def test_config_error_prefixes_where_and_key():
    assert str(ConfigError("bad")) == "bad"
    assert str(ConfigError("bad", where="q.json")) == "q.json: bad"
    assert str(ConfigError("bad", key="k")) == "key 'k': bad"
    error = ConfigError("bad\nline", where="q.json", key="k")
    assert str(error) == "q.json: key 'k': bad line"
    assert (error.where, error.key, error.exit_code) == ("q.json", "k", 1)


def test_source_and_sink_errors_keep_url_status_and_progress():
    source = SourceError("down", url="http://s", status=503)
    assert (source.url, source.status, str(source)) == ("http://s", 503, "down")
    sink = SinkError("refused", url="http://b", status=400)
    assert (sink.url, sink.status, sink.written_records, sink.written_chunks) == \
        ("http://b", 400, 0, 0)
    assert SinkError("x", written_records=5, written_chunks=2).written_records == 5
    assert isinstance(sink, CollectorError) and isinstance(source, CollectorError)


def test_a_usage_error_names_the_flag_at_fault():
    from performanceplatform.utils.errors import UsageError

    error = UsageError("is a day before -s/--start", key="-e/--end")
    assert str(error) == "command line: key '-e/--end': is a day before -s/--start"
    assert (error.where, error.key, error.exit_code) == ("command line", "-e/--end", 2)


def test_terminated_keeps_the_signal_s_name():
    from performanceplatform.utils.errors import Terminated

    assert Terminated().signal_name == "SIGTERM"
    stopped = Terminated("SIGHUP")
    assert (stopped.signal_name, str(stopped)) == ("SIGHUP", "terminated by SIGHUP")
