"""Secrets are registered once and masked wherever text leaves the program."""

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
