"""Google credentials problems as a collector reports them: the key, the message without its
prefix, ``API_ROOT``'s forms, ``OAUTH2_CREDENTIALS`` that is not an object, unreadable files."""

from __future__ import annotations

import json

import pytest

from performanceplatform.google.credentials import (
    _detail,
    api_root,
    check_credentials,
    load_credentials,
    read_json_file,
)
from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import ConfigError
from tests.performanceplatform.google import keys


def test_credentials_that_are_not_an_object():
    problems = Problems("c.json")
    assert check_credentials(["x"], problems) is None
    assert problems.found == [("credentials", "expected a JSON object")]


def test_a_problem_is_recorded_under_its_key_without_the_prefix(tmp_path):
    problems = Problems("c.json")
    missing = tmp_path / "n.json"
    config = {"STORAGE_PATH": "x", "CLIENT_SECRETS": str(missing),
              "path_to_json_file": "c.json"}
    assert check_credentials(config, problems) is None
    [(key, message)] = problems.found
    assert key == "CLIENT_SECRETS" and message.endswith(f"{missing} does not exist")
    assert not problems.found[0][1].startswith(("c.json", "key '"))


def test_a_problem_without_a_key_is_recorded_under_credentials():
    problems = Problems("c.json")
    assert check_credentials({"path_to_json_file": "c.json"}, problems) is None
    [(key, message)] = problems.found
    assert key == "credentials"
    assert message.startswith("no Google credentials: give CLIENT_SECRETS")


def test_the_scopes_are_passed_on(tmp_path):
    problems = Problems()
    creds = check_credentials(keys.write_service_account_credentials(tmp_path), problems,
                              scopes=["https://scope/x"])
    assert problems.found == []
    assert list(creds.scopes) == ["https://scope/x"]


@pytest.mark.parametrize("error, detail", [
    (ConfigError("bad", where="w.json", key="K"), "bad"),
    (ConfigError("bad", where="w.json"), "bad"),
    (ConfigError("bad", key="K"), "bad"),
    (ConfigError("key 'K': bad"), "key 'K': bad"),
    (ConfigError("w.json: bad"), "w.json: bad"),
])
def test_detail_drops_only_its_own_prefix(error, detail):
    assert _detail(error) == detail


def test_api_root_by_host_and_its_errors():
    default = "https://analyticsdata.googleapis.com"
    assert api_root({"API_ROOT": "https://proxy/g"}, default) == "https://proxy/g/"
    assert api_root({"API_ROOT": {"": "http://x/"}}, "no-host") == "http://x/"
    with pytest.raises(ConfigError) as failure:
        api_root({"API_ROOT": {"analyticsdata.googleapis.com": 5},
                  "path_to_json_file": "c.json"}, default)
    assert str(failure.value) == ("c.json: key 'API_ROOT': must be an http(s) URL, or a "
                                  "mapping from a Google host name to one")
    assert (failure.value.where, failure.value.key) == ("c.json", "API_ROOT")


@pytest.mark.parametrize("value", ["[1, 2]", "not json", 5, ["x"]])
def test_oauth2_credentials_that_are_not_an_object(value):
    with pytest.raises(ConfigError) as failure:
        load_credentials({"OAUTH2_CREDENTIALS": value, "path_to_json_file": "c.json"})
    assert str(failure.value) == ("c.json: key 'OAUTH2_CREDENTIALS': must be serialized OAuth "
                                  "credentials (a JSON object)")


def test_a_file_that_cannot_be_read_names_the_reason(tmp_path):
    with pytest.raises(ConfigError) as failure:
        read_json_file(tmp_path, "the client secrets file", "c.json", "CLIENT_SECRETS")
    assert str(failure.value) == (f"c.json: key 'CLIENT_SECRETS': cannot read the client "
                                  f"secrets file {tmp_path}: Is a directory")
    (tmp_path / "latin.json").write_bytes(b"\xff\xfe{")
    with pytest.raises(ConfigError) as failure:
        read_json_file(tmp_path / "latin.json", "the key", None, None)
    assert str(failure.value) == f"cannot read the key {tmp_path / 'latin.json'}: " \
                                 "UnicodeDecodeError"


def test_serialized_credentials_as_json_text_are_described_for_their_errors():
    serialized = keys.storage_record()
    del serialized["client_secret"]
    config = {"CLIENT_SECRETS": keys.client_secrets(), "OAUTH2_CREDENTIALS":
              json.dumps(serialized), "path_to_json_file": "c.json"}
    creds = load_credentials(config)
    assert creds.refresh_token == keys.REFRESH_TOKEN
    assert creds.client_secret == keys.CLIENT_SECRET  # from CLIENT_SECRETS
    assert creds._pp_describe == "the credentials in OAUTH2_CREDENTIALS"
    assert creds._pp_where == "c.json"
    assert creds._pp_hint.startswith("renew the credentials in OAUTH2_CREDENTIALS")


def failure(config: dict) -> str:
    with pytest.raises(ConfigError) as caught:
        load_credentials(dict(config, path_to_json_file="c.json"))
    return str(caught.value)


def test_no_shape_lists_every_shape():
    assert failure({}) == ("c.json: no Google credentials: give CLIENT_SECRETS and STORAGE_PATH, "
                           "ACCOUNT_NAME and PRIVATE_KEY, CREDENTIALS_FILE, or "
                           "OAUTH2_CREDENTIALS")


@pytest.mark.parametrize("value", ["", "  ", 5, None])
def test_a_name_that_is_no_string_or_blank_is_refused(value):
    assert failure({"ACCOUNT_NAME": value, "PRIVATE_KEY": "key.pem"}) == (
        "c.json: key 'ACCOUNT_NAME': must be a non-empty string")


def test_a_relative_name_is_read_from_the_working_directory_first(tmp_path, monkeypatch):
    """As the original did; the folder of the credentials JSON is only the fall-back."""
    beside, here = tmp_path / "config", tmp_path / "cwd"
    beside.mkdir()
    here.mkdir()
    keys.write_storage_credentials(beside)
    (here / "storage.db").write_text(json.dumps(dict(keys.storage_record(),
                                                     refresh_token="1/from-the-cwd")))
    monkeypatch.chdir(here)
    creds = load_credentials({"CLIENT_SECRETS": "client_secrets.json",
                              "STORAGE_PATH": "storage.db",
                              "path_to_json_file": str(beside / "ga.json")})
    assert creds.refresh_token == "1/from-the-cwd"
    assert creds.client_id == keys.CLIENT_ID  # client_secrets.json: only beside the JSON


def test_a_relative_name_found_nowhere_is_named_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cs.json").write_text(json.dumps(keys.client_secrets()))
    where = str(tmp_path / "config" / "ga.json")
    with pytest.raises(ConfigError) as caught:
        load_credentials({"CLIENT_SECRETS": "cs.json", "STORAGE_PATH": "tokens/storage.db",
                          "path_to_json_file": where})
    assert str(caught.value) == (f"{where}: key 'STORAGE_PATH': the OAuth storage file "
                                 "tokens/storage.db does not exist")


def test_an_empty_token_uri_is_no_token_uri(tmp_path):
    config = dict(keys.write_storage_credentials(tmp_path), TOKEN_URI="")
    assert load_credentials(config).token_uri == "https://accounts.google.com/o/oauth2/token"


def test_a_file_holding_json_that_is_no_object_names_file_and_key(tmp_path):
    config = keys.write_storage_credentials(tmp_path)
    (tmp_path / "storage.db").write_text("[1, 2]")
    with pytest.raises(ConfigError) as caught:
        load_credentials(dict(config, path_to_json_file="c.json"))
    assert str(caught.value) == (f"c.json: key 'STORAGE_PATH': the OAuth storage file "
                                 f"{tmp_path / 'storage.db'} must hold a JSON object")
    assert (caught.value.where, caught.value.key) == ("c.json", "STORAGE_PATH")


@pytest.mark.parametrize("secrets", [
    keys.client_secrets(),
    "\n  " + json.dumps(keys.client_secrets(), indent=2),
], ids=["object", "text-after-blank-lines"])
def test_client_secrets_given_inline_with_a_storage_file(tmp_path, secrets):
    stored = keys.storage_record()
    del stored["client_secret"]
    (tmp_path / "storage.db").write_text(json.dumps(stored))
    creds = load_credentials({"CLIENT_SECRETS": secrets,
                              "STORAGE_PATH": str(tmp_path / "storage.db")})
    assert creds.client_secret == keys.CLIENT_SECRET
