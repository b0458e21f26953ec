"""Secrets are registered once and masked wherever text leaves the program."""

from __future__ import annotations

import json
import logging
import re

import pytest

from performanceplatform.utils.redact import (
    RedactingFilter,
    forget_secrets,
    redact,
    redact_value,
    register_secrets,
    secret_values,
)


@pytest.fixture(autouse=True)
def clean():
    forget_secrets()
    yield
    forget_secrets()


def test_secret_values_picks_secret_keys_at_any_depth():
    credentials = {
        "user": "alice", "password": "hunter2", "app_key": "k3y-v4lue", "token_auth": "abcd1234",
        "keymetrics_url": "https://ws.webtrends.com/v3/Keymetrics/", "STORAGE_PATH": "/x/s.db",
        "CLIENT_SECRETS": "/x/client_secret.json", "path_to_json_file": "creds.json",
        "OAUTH2_CREDENTIALS": {"refresh_token": "r3fr3sh-t0k3n"},
    }
    assert sorted(secret_values(credentials)) == ["abcd1234", "hunter2", "k3y-v4lue",
                                                  "r3fr3sh-t0k3n"]


def test_redact_masks_registered_values_longest_first():
    register_secrets(["abcd", "abcdef", None, "ab"])
    assert redact("x abcdef y abcd z ab") == "x *** y *** z ab"


def test_filter_rewrites_messages_and_arguments():
    register_secrets(["hunter2"])
    record = logging.LogRecord("x", logging.INFO, "f", 1, "password %s", ("hunter2",), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "password ***"


def test_registered_secrets_are_masked_in_every_encoding():
    from urllib.parse import quote, quote_plus

    secret = "Pw/d+x=1&y z-é%41"
    register_secrets([secret])
    lower = re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(secret, safe=""))
    for form in (secret, quote(secret, safe=""), quote(secret), quote_plus(secret), lower,
                 json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]):
        assert redact(f"<{form}>") == "<***>", form


@pytest.mark.parametrize("text,shown", [
    ("GET /x?Token_Auth=abc&API_KEY=def HTTP/1.1", "GET /x?Token_Auth=***&API_KEY=*** HTTP/1.1"),
    ("url=https://h/p?access_token=a.b-c#top", "url=https://h/p?access_token=***#top"),
    ("key=1 apikey=2 PASSWORD=3 client_secret=4", "key=*** apikey=*** PASSWORD=*** "
                                                 "client_secret=***"),
    ("monkey=1 keymetrics=2 my-key=3 token_authx=4", "monkey=1 keymetrics=2 my-key=3 "
                                                     "token_authx=4"),
    ("token= x", "token= x"),
])
def test_secret_url_parameters_are_masked_in_free_text_in_any_letter_case(text, shown):
    assert redact(text) == shown


def test_filter_masks_parameters_with_no_secret_registered_and_cleans_extra_fields():
    register_secrets(["hunter2"])
    record = logging.LogRecord("x", logging.INFO, "f", 1, "GET %s", ("/a?TOKEN=t0k3n",), None)
    record.query = {"pw": ["hunter2", ("hunter2",)], "n": 1}
    record.note = "api_key=k3y"
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "GET /a?TOKEN=***"
    assert record.query == {"pw": ["***", ("***",)], "n": 1}
    assert record.note == "api_key=***"
    forget_secrets()
    bare = logging.LogRecord("x", logging.INFO, "f", 1, "GET /a?token_auth=t0k3n", None, None)
    assert RedactingFilter().filter(bare)
    assert bare.getMessage() == "GET /a?token_auth=***"


def test_redact_value_keeps_types_and_non_text_values():
    register_secrets(["s3cr3t"])
    assert redact_value({"a": ("s3cr3t", 1, None), "b": [True, "x s3cr3t"]}) == \
        {"a": ("***", 1, None), "b": [True, "x ***"]}


@pytest.mark.parametrize("form", [
    "Pw/d+x=1&y%20z-%C3%A9%41",  # as requests re-quotes a URL: reserved characters kept
    "Pw/d%2Bx%3D1%26y+z-%C3%A9%2541",  # a form body that keeps '/'
    "Pw/d%2bx%3d1%26y+z-%c3%a9%2541",  # ... with lower-case escapes
])
def test_a_secret_is_masked_as_urls_and_form_bodies_carry_it(form):
    register_secrets(["Pw/d+x=1&y z-é%41"])
    assert redact(f"<{form}>") == "<***>"


def test_a_secret_is_masked_inside_json_text_whole():
    """JSON escapes '"' whether or not it escapes non-ASCII characters."""
    register_secrets(['pa"ss-é'])
    assert redact('{"password": "pa\\"ss-\\u00e9"}') == '{"password": "***"}'
    assert redact('{"password": "pa\\"ss-é"}') == '{"password": "***"}'
