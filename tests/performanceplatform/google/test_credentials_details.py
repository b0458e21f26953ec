"""Smaller rules of the credentials reader: expiry texts, inline JSON errors, serialized
credentials without client secrets, a refusal's text, a credentials file's wrong key."""

from __future__ import annotations

import datetime as dt
import json

import google.auth.exceptions
import pytest

from performanceplatform.google.credentials import REGENERATE_HINT, load_credentials
from performanceplatform.google.credentials import refresh as gc
from performanceplatform.utils.errors import ConfigError
from tests.local_zone import local_zone
from tests.performanceplatform.google import keys
from tests.performanceplatform.google.test_credentials_files import storage_config


def failure(config: dict) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_credentials(config)
    return caught.value


@pytest.mark.parametrize("expiry, expected", [
    ("2030-06-01T12:00:00+02:00", dt.datetime(2030, 6, 1, 10)),
    ("2030-06-01T12:00:00Z", dt.datetime(2030, 6, 1, 12)),
    ("2030-06-01T12:00:00", dt.datetime(2030, 6, 1, 12)),
    (1717243200, None),
    ("", None),
    ("soon", None),
])
def test_a_stored_expiry_is_read_as_naive_utc_whatever_the_local_zone(tmp_path, expiry,
                                                                      expected):
    stored = keys.storage_record(expiry=expiry)
    with local_zone():
        creds = load_credentials(storage_config(tmp_path, keys.client_secrets(), stored))
    assert creds.expiry == expected


def test_inline_client_secrets_that_are_not_json_name_the_key(tmp_path):
    (tmp_path / "storage.db").write_text(json.dumps(keys.storage_record()), encoding="utf-8")
    error = failure({"CLIENT_SECRETS": '{"installed": oops}', "path_to_json_file": "c.json",
                     "STORAGE_PATH": str(tmp_path / "storage.db")})
    assert str(error).startswith("c.json: key 'CLIENT_SECRETS': holds JSON text that is not "
                                 "valid (")
    assert "oops" not in str(error)


def test_serialized_credentials_need_no_client_secrets_but_then_need_their_client():
    serialized = keys.storage_record()
    creds = load_credentials({"OAUTH2_CREDENTIALS": serialized})
    assert (creds.client_id, creds.client_secret) == (keys.CLIENT_ID, keys.CLIENT_SECRET)
    del serialized["client_id"]
    error = failure({"OAUTH2_CREDENTIALS": serialized, "CLIENT_SECRETS": "not a dict",
                     "path_to_json_file": "c.json"})
    assert str(error) == ("c.json: the credentials in OAUTH2_CREDENTIALS lacks client_id; "
                          f"{REGENERATE_HINT}")


def test_serialized_credentials_with_client_secrets_of_no_client(tmp_path):
    error = failure({"OAUTH2_CREDENTIALS": keys.storage_record(), "CLIENT_SECRETS": {"x": {}},
                     "path_to_json_file": "c.json"})
    assert str(error) == ("c.json: key 'CLIENT_SECRETS': the client secrets must hold an "
                          "'installed' client")


def test_a_refusal_whose_second_argument_is_no_dict_shows_its_text():
    exc = google.auth.exceptions.RefreshError("the words", "not a dict")
    error = gc._refresh_error(exc, "the key", "c.json", "https://t", "hint")
    assert str(error) == ("c.json: the token endpoint https://t refused to refresh the key: the "
                          "words; hint")


@pytest.mark.parametrize("info, error_class", [
    ({"private_key": "nope"}, "ValueError"),
    ({}, "MalformedError"),
])
def test_a_service_account_file_s_unusable_key_is_named_by_its_error_class(tmp_path, info,
                                                                         error_class):
    path = tmp_path / "key.json"
    path.write_text(json.dumps({"type": "service_account", "client_email": "a@b", **info}),
                    encoding="utf-8")
    error = failure({"CREDENTIALS_FILE": str(path), "path_to_json_file": "c.json"})
    assert str(error) == (f"c.json: key 'CREDENTIALS_FILE': the credentials file {path} has no "
                          f"usable private key ({error_class})")


def test_a_credentials_file_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "creds.json"
    path.write_text("{oops", encoding="utf-8")
    error = failure({"CREDENTIALS_FILE": str(path), "path_to_json_file": "c.json"})
    assert str(error).startswith(f"c.json: key 'CREDENTIALS_FILE': the credentials file {path} "
                                 "is not valid JSON: ")


def test_a_refusal_without_any_words_says_so():
    error = gc._refresh_error(google.auth.exceptions.RefreshError(), "the key", "c.json",
                              "https://t", "hint")
    assert str(error) == ("c.json: the token endpoint https://t refused to refresh the key: no "
                          "reason given; hint")
