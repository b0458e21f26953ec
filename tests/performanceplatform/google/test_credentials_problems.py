"""Google credentials problems as a collector reports them: the key, the message without its
prefix, ``API_ROOT``'s forms, ``OAUTH2_CREDENTIALS`` that is not an object, unreadable files."""

from __future__ import annotations

import json

import pytest

from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.google.credentials import (
    _detail,
    api_root,
    check_credentials,
    load_credentials,
    read_json_file,
)
from tests.performanceplatform.utils.google import keys


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
