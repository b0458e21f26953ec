"""Log files and their JSON shape (spec core.md §1.8, §5.4)."""

from __future__ import annotations

import json
import logging

import pytest

from performanceplatform.collector import logging_setup
from performanceplatform.utils.redact import forget_secrets, register_secrets


@pytest.fixture(autouse=True)
def clean_logging():
    saved = logging.getLogger().handlers[:], logging.getLogger().level
    for handler in saved[0]:
        logging.getLogger().removeHandler(handler)
    yield
    logging_setup.close_down_logging()
    forget_secrets()
    for handler in saved[0]:
        logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(saved[1])


def test_json_log_lines_have_the_logstash_shape(tmp_path):
    fields = {"data_group": "g", "data_type": "t", "query": "a=1"}
    logging_setup.set_up_logging("collector_foo", logging.DEBUG, tmp_path, None, fields)
    logging.info("Writing out JSON formatted logs m8")
    logging_setup.close_down_logging()
    last = json.loads((tmp_path / "production.json.log").read_text().splitlines()[-1])
    assert last["@message"] == "Writing out JSON formatted logs m8"
    assert last["@tags"] == ["collector", "collector_foo"]
    assert last["@fields"]["data_group"] == "g" and last["@fields"]["levelname"] == "INFO"
    assert last["@timestamp"].endswith("Z") and last["@source_host"]
    text = (tmp_path / "production.log").read_text()
    assert "[INFO] -> Writing out JSON formatted logs m8" in text


def test_log_folder_is_created_and_named(tmp_path):
    folder = tmp_path / "deep" / "log"
    logging_setup.set_up_logging("x", logging.INFO, folder, "collectors")
    logging.warning("hello")
    logging_setup.close_down_logging()
    assert (folder / "collectors.log").exists() and (folder / "collectors.json.log").exists()


def test_default_log_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PP_COLLECTOR_LOG_DIR", str(tmp_path))
    assert logging_setup.default_log_dir() == tmp_path
    monkeypatch.delenv("PP_COLLECTOR_LOG_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert logging_setup.default_log_dir() == tmp_path / "pp-collector" / "log"


def test_loglevel(monkeypatch):
    monkeypatch.setenv("LOGLEVEL", "debug")
    assert logging_setup.log_level() == logging.DEBUG
    monkeypatch.setenv("LOGLEVEL", "chatty")
    assert logging_setup.log_level() == logging.INFO


def test_secrets_never_reach_the_files(tmp_path):
    register_secrets(["s3cr3t-token-value"])
    logging_setup.set_up_logging("x", logging.INFO, tmp_path)
    logging.info("token is %s", "s3cr3t-token-value")
    try:
        raise ValueError("boom s3cr3t-token-value")
    except ValueError:
        logging.exception("failed")
    logging_setup.close_down_logging()
    for name in ("production.log", "production.json.log"):
        text = (tmp_path / name).read_text()
        assert "s3cr3t-token-value" not in text and "***" in text


def test_extra_fields_from_exception():
    assert logging_setup.extra_fields_from_exception(Exception("test")) == {
        "exception_class": "Exception", "exception_message": "test"}
