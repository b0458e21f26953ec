"""Which values are secrets, and where the masking reaches: messages, extra fields of a log
record, tracebacks."""

from __future__ import annotations

import logging

import pytest

from performanceplatform.utils.redact import (
    RedactingFilter,
    forget_secrets,
    redact,
    register_secrets,
    secret_values,
)


@pytest.fixture(autouse=True)
def clean():
    forget_secrets()
    yield
    forget_secrets()



def test_values_shorter_than_four_characters_are_not_secrets():
    register_secrets(["abc", "abcd", 12345])
    assert redact("abc abcd 12345") == "abc *** 12345"


def test_nothing_is_masked_before_a_secret_is_registered_or_after_forgetting():
    assert redact("hunter2") == "hunter2" and redact("") == ""
    register_secrets(["hunter2"])
    assert redact("") == ""
    forget_secrets()
    assert redact("hunter2") == "hunter2"
    register_secrets([])
    assert redact("hunter2") == "hunter2"


def test_registering_more_keeps_the_earlier_secrets():
    register_secrets(["first-secret"])
    register_secrets(["second-secret"])
    assert redact("first-secret second-secret") == "*** ***"


def test_special_characters_in_a_secret_are_taken_literally():
    register_secrets(["a.b*c"])
    assert redact("a.b*c axbbc") == "*** axbbc"


@pytest.mark.parametrize("key, secret", [
    ("password", True), ("Client_Secret", True), ("api_token", True), ("APIKEY", True),
    ("token_auth", True), ("credentials", True), ("user", False), ("keymetrics_url", False),
    ("TOKEN_URI", False), ("API_ROOT", False), ("STORAGE_PATH", False), ("key_file", False),
    ("keyfile", True), ("auth_root", False), ("token_path", False), ("secret_url", False),
])
def test_which_keys_name_a_secret(key, secret):
    assert secret_values({key: "s3cr3t-value"}) == (["s3cr3t-value"] if secret else [])


@pytest.mark.parametrize("value", ["/etc/key", "./key", "~/key", "k.json", "k.p12", "k.pem",
                                   "s.db"])
def test_paths_under_a_secret_key_are_not_secrets(value):
    assert secret_values({"PRIVATE_KEY": value}) == []
    assert secret_values({"PRIVATE_KEY": "x" + value + "x"}) == ["x" + value + "x"]


def test_non_text_values_under_a_secret_key_are_skipped():
    assert secret_values({"password": 1234, "nested": {"token": ["a"]}}) == []


def make_record(msg, args=(), **extra) -> logging.LogRecord:
    record = logging.LogRecord("x", logging.INFO, "f", 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_filter_leaves_the_message_alone_when_nothing_is_registered():
    record = make_record("password %s", ("hunter2",))
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "password hunter2"


def test_filter_masks_extra_fields_of_a_record():
    """The JSON log writes extra fields (``query``, ``exception_message``) as they are."""
    register_secrets(["hunter2"])
    record = make_record("ok", query="token=hunter2", count=3)
    assert RedactingFilter().filter(record)
    assert record.query == "token=***" and record.count == 3
    assert record.msg == "ok"


def test_filter_keeps_a_clean_message_as_it_was():
    register_secrets(["hunter2"])
    record = make_record("nothing here")
    RedactingFilter().filter(record)
    assert record.msg == "nothing here" and record.args == ()


def test_filter_masks_a_traceback():
    register_secrets(["hunter2"])
    try:
        raise ValueError("bad hunter2")
    except ValueError:
        import sys
        record = logging.LogRecord("x", logging.ERROR, "f", 1, "failed", None, sys.exc_info())
    RedactingFilter().filter(record)
    assert "ValueError: bad ***" in record.exc_text and "hunter2" not in record.exc_text
    record.exc_text = "again hunter2"
    RedactingFilter().filter(record)
    assert record.exc_text == "again ***"
    plain = make_record("x")
    plain.exc_text = "text hunter2"
    RedactingFilter().filter(plain)
    assert plain.exc_text == "text ***"
