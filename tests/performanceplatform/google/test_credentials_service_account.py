"""Service accounts (``ACCOUNT_NAME`` + ``PRIVATE_KEY``, or a ``CREDENTIALS_FILE``): the token
kept in ``STORAGE_PATH``, the scopes and token endpoint used, and what a wrong key says."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.google.credentials import (
    ANALYTICS_READONLY_SCOPE,
    ANALYTICS_SCOPE,
    authorized_session,
    load_credentials,
)
from tests.helpers import served
from tests.performanceplatform.utils.google import keys
from tests.performanceplatform.utils.google.test_credentials import google, issued, report

__all__ = ["google"]  # the fixture, shared with test_credentials.py

LEGACY_TOKEN_PATH = "/accounts.google.com/o/oauth2/token"


def failure(config: dict) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_credentials(config)
    return caught.value


def test_the_token_is_kept_in_storage_path_under_the_account(google, tmp_path):
    config = keys.write_service_account_credentials(tmp_path, "pem")
    assert report(authorized_session(config)) == 200
    kept = json.loads((tmp_path / "sa-storage.db").read_text(encoding="utf-8"))
    assert {k: kept[k] for k in ("_module", "_class", "service_account_email")} == {
        "_module": "pp-collector", "_class": "ServiceAccountToken",
        "service_account_email": keys.ACCOUNT}
    assert kept["access_token"] == issued(google)[0]["access_token"]


def test_a_kept_token_is_read_with_its_expiry(tmp_path):
    config = keys.write_service_account_credentials(tmp_path, "pem")
    (tmp_path / "sa-storage.db").write_text(json.dumps({
        "service_account_email": keys.ACCOUNT, "access_token": "ya29.kept",
        "token_expiry": "2999-01-01T00:00:00Z"}), encoding="utf-8")
    creds = load_credentials(config)
    assert (creds.token, creds.expiry) == ("ya29.kept", dt.datetime(2999, 1, 1))


def test_a_token_kept_for_another_account_is_not_used_and_is_replaced(google, tmp_path):
    config = keys.write_service_account_credentials(tmp_path, "pem")
    (tmp_path / "sa-storage.db").write_text(json.dumps({
        "service_account_email": "someone-else@example.com", "access_token": "ya29.theirs",
        "token_expiry": "2999-01-01T00:00:00Z"}), encoding="utf-8")
    creds = load_credentials(config)
    assert creds.token is None
    assert report(authorized_session(config)) == 200
    kept = json.loads((tmp_path / "sa-storage.db").read_text(encoding="utf-8"))
    assert kept["service_account_email"] == keys.ACCOUNT
    assert kept["access_token"] == issued(google)[0]["access_token"] != "ya29.theirs"


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_an_unusable_token_file_is_ignored_with_a_warning(google, tmp_path, caplog, content):
    config = keys.write_service_account_credentials(tmp_path, "pem")
    path = tmp_path / "sa-storage.db"
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        creds = load_credentials(config)
    assert creds.token is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ([f"ignoring the unreadable token file {path}"]
                        if content.startswith("{") else [])
    assert report(authorized_session(config)) == 200
    assert json.loads(path.read_text(encoding="utf-8"))["service_account_email"] == keys.ACCOUNT


def test_the_analytics_scope_is_the_default_and_given_scopes_win(tmp_path):
    config = keys.write_service_account_credentials(tmp_path, "pem")
    assert load_credentials(config).scopes == [ANALYTICS_SCOPE]
    given = load_credentials(config, [ANALYTICS_READONLY_SCOPE])
    assert given.scopes == [ANALYTICS_READONLY_SCOPE]
    (tmp_path / "sa.json").write_text(json.dumps(keys.json_key()), encoding="utf-8")
    assert load_credentials({"CREDENTIALS_FILE": str(tmp_path / "sa.json")}).scopes == [
        ANALYTICS_SCOPE]


@pytest.mark.parametrize("key", ["PRIVATE_KEY", "CREDENTIALS_FILE"])
def test_the_json_key_s_token_uri_is_asked(google, tmp_path, key):
    (tmp_path / "sa.json").write_text(json.dumps(keys.json_key(
        token_uri="https://accounts.google.com/o/oauth2/token")), encoding="utf-8")
    config = ({"ACCOUNT_NAME": keys.ACCOUNT, key: str(tmp_path / "sa.json")}
              if key == "PRIVATE_KEY" else {key: str(tmp_path / "sa.json")})
    assert report(authorized_session(config)) == 200
    assert [r["path"] for r in served(google, "google_oauth")] == [LEGACY_TOKEN_PATH]


def test_a_json_key_file_starting_with_blank_lines_is_read_as_json(tmp_path):
    (tmp_path / "sa.json").write_text("\n  \n" + json.dumps(keys.json_key()), encoding="utf-8")
    creds = load_credentials({"ACCOUNT_NAME": keys.ACCOUNT,
                              "PRIVATE_KEY": str(tmp_path / "sa.json")})
    assert creds.service_account_email == keys.ACCOUNT


def test_a_missing_private_key_file_names_it(tmp_path):
    path = tmp_path / "gone.pem"
    error = failure({"ACCOUNT_NAME": keys.ACCOUNT, "PRIVATE_KEY": str(path),
                     "path_to_json_file": "c.json"})
    assert str(error) == f"c.json: key 'PRIVATE_KEY': the private key file {path}: does not exist"


def test_a_private_key_that_is_no_key_names_the_file_and_the_error_class(tmp_path):
    path = tmp_path / "key.json"
    path.write_text('["a JSON list"]', encoding="utf-8")
    error = failure({"ACCOUNT_NAME": keys.ACCOUNT, "PRIVATE_KEY": str(path),
                     "path_to_json_file": "c.json"})
    assert str(error) == (f"c.json: key 'PRIVATE_KEY': the private key file {path} is not a "
                          "P12, PEM or JSON service-account key (ValueError)")


def test_a_credentials_file_of_another_type_names_both_types(tmp_path):
    path = tmp_path / "creds.json"
    path.write_text(json.dumps({"type": "external_account"}), encoding="utf-8")
    error = failure({"CREDENTIALS_FILE": str(path), "path_to_json_file": "c.json"})
    assert str(error) == (f"c.json: key 'CREDENTIALS_FILE': the credentials file {path} must "
                          "have \"type\": \"service_account\" or \"authorized_user\"")
