"""The OAuth storage file (``CLIENT_SECRETS`` + ``STORAGE_PATH``): what is read from it in
either format, what a wrong one says, and how a refreshed token is written back."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import stat

import pytest

from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.google.credentials import (
    REGENERATE_HINT,
    authorized_session,
    load_credentials,
)
from tests.performanceplatform.utils.google import keys
from tests.performanceplatform.utils.google.test_credentials import google, issued, report
from tests.performanceplatform.utils.google.test_credentials_files import storage_config

__all__ = ["google"]  # the fixture, shared with test_credentials.py

GOOGLE_AUTH = {"type": "authorized_user", "token": "ya29.current-token",
               "refresh_token": keys.REFRESH_TOKEN, "client_id": keys.CLIENT_ID,
               "client_secret": keys.CLIENT_SECRET, "expiry": "2999-01-01T00:00:00Z"}


def failure(config: dict) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_credentials(config)
    return caught.value


def test_a_storage_file_marked_invalid_names_the_file_and_key(tmp_path):
    stored = dict(keys.storage_record(), invalid=True)
    error = failure(storage_config(tmp_path, keys.client_secrets(), stored))
    assert str(error) == (f"c.json: key 'STORAGE_PATH': the OAuth storage file "
                          f"{tmp_path / 'storage.db'} is marked invalid; {REGENERATE_HINT}")
    assert (error.where, error.key) == ("c.json", "STORAGE_PATH")


@pytest.mark.parametrize("flag", [False, None, "true", 1])
def test_only_invalid_true_marks_a_storage_file_invalid(tmp_path, flag):
    stored = dict(keys.storage_record(), invalid=flag)
    creds = load_credentials(storage_config(tmp_path, keys.client_secrets(), stored))
    assert creds.refresh_token == keys.REFRESH_TOKEN


def test_a_storage_file_that_is_not_json_names_the_file_and_key(tmp_path):
    config = storage_config(tmp_path, keys.client_secrets(), {})
    (tmp_path / "storage.db").write_text("{oops", encoding="utf-8")
    error = failure(config)
    assert str(error).startswith(f"c.json: key 'STORAGE_PATH': the OAuth storage file "
                                 f"{tmp_path / 'storage.db'} is not valid JSON: ")


def test_a_storage_file_lacking_fields_names_each_and_the_file(tmp_path):
    stored = keys.storage_record()
    del stored["refresh_token"], stored["client_id"]
    secrets = {"installed": {"client_secret": keys.CLIENT_SECRET, "client_id": ""}}
    error = failure(storage_config(tmp_path, secrets, stored))
    path = tmp_path / "storage.db"
    assert str(error) == (f"{path}: the OAuth storage file {path} lacks refresh_token, "
                          f"client_id; {REGENERATE_HINT}")
    assert error.where == str(path)


def test_client_id_and_token_uri_come_from_the_client_secrets_when_the_file_lacks_them(
        tmp_path):
    stored = keys.storage_record()
    del stored["client_id"], stored["token_uri"]
    secrets = keys.client_secrets()
    secrets["installed"]["token_uri"] = "https://secrets.example/token"
    creds = load_credentials(storage_config(tmp_path, secrets, stored))
    assert (creds.client_id, creds.token_uri) == (keys.CLIENT_ID, "https://secrets.example/token")


def test_a_google_auth_file_gives_its_token_and_expiry(tmp_path):
    creds = load_credentials(storage_config(tmp_path, keys.client_secrets(), GOOGLE_AUTH))
    assert (creds.token, creds.expiry) == ("ya29.current-token", dt.datetime(2999, 1, 1))
    assert creds.valid


def test_a_file_with_token_but_no_type_is_read_as_google_auth(tmp_path):
    stored = {k: v for k, v in GOOGLE_AUTH.items() if k != "type"}
    creds = load_credentials(storage_config(tmp_path, keys.client_secrets(), stored))
    assert (creds.token, creds.expiry) == ("ya29.current-token", dt.datetime(2999, 1, 1))


def test_an_authorized_user_file_ignores_oauth2client_fields(tmp_path):
    stored = {k: v for k, v in GOOGLE_AUTH.items() if k not in ("token", "expiry")}
    stored.update(access_token="ya29.oauth2client-field", token_expiry="2999-01-01T00:00:00Z")
    creds = load_credentials(storage_config(tmp_path, keys.client_secrets(), stored))
    assert (creds.token, creds.expiry) == (None, None)


def test_an_oauth2client_file_gives_its_access_token_and_expiry(tmp_path):
    stored = keys.storage_record(expiry="2999-01-01T00:00:00Z")
    creds = load_credentials(storage_config(tmp_path, keys.client_secrets(), stored))
    assert (creds.token, creds.expiry) == (keys.STALE_TOKEN, dt.datetime(2999, 1, 1))


def test_a_refreshed_google_auth_file_is_written_back_in_its_own_format(google, tmp_path):
    stored = dict(GOOGLE_AUTH, token="ya29.old", expiry="2018-01-01T00:00:00Z",
                  token_uri="https://oauth2.googleapis.com/token")
    config = storage_config(tmp_path, keys.client_secrets(), stored)
    assert report(authorized_session(config)) == 200
    written = json.loads((tmp_path / "storage.db").read_text(encoding="utf-8"))
    assert written["token"] == issued(google)[0]["access_token"]
    assert written["expiry"] > "2018-01-01T00:00:00Z"
    assert written["type"] == "authorized_user"
    assert "access_token" not in written and "token_expiry" not in written


def test_a_refreshed_oauth2client_file_is_written_back_valid_private_and_alone(
        google, tmp_path):
    stored = dict(keys.storage_record(), invalid=False)
    config = storage_config(tmp_path, keys.client_secrets(), stored)
    assert report(authorized_session(config)) == 200
    path = tmp_path / "storage.db"
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["access_token"] == issued(google)[0]["access_token"]
    assert written["invalid"] is False and "token" not in written
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cs.json", "storage.db"]


def test_a_token_that_cannot_be_written_back_is_a_warning_and_the_run_goes_on(
        google, tmp_path, caplog):
    folder = tmp_path / "tokens"
    folder.mkdir()
    config = storage_config(folder, keys.client_secrets(), keys.storage_record())
    session = authorized_session(config)
    shutil.rmtree(folder)
    folder.write_text("a file where the folder was", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert report(session) == 200
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"could not write the refreshed token to "
                                  f"{folder / 'storage.db'}: ")
