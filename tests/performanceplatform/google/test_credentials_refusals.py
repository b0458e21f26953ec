"""How a token endpoint's refusal reads (OAuth and Google API styles, bodies that are not
JSON, long bodies), which refusals are retryable, and a credentials file that cannot be used."""

from __future__ import annotations

import json

import google.auth.exceptions
import pytest
import requests

from performanceplatform.google.credentials import load_credentials
from performanceplatform.google.credentials import refresh as gc
from performanceplatform.utils.errors import ConfigError, SourceError
from tests.performanceplatform.google import keys

TOKEN_URI = "https://oauth2.example/token?key=s3cr3t"
SHOWN = "https://oauth2.example/token?key=***"


@pytest.mark.parametrize("text, line", [
    ("a\n  b\tc", "a b c"),
    ("x" * 200, "x" * 200),
    ("x" * 201, "x" * 197 + "..."),
])
def test_one_line(text, line):
    assert gc._one_line(text) == line


@pytest.mark.parametrize("details, text", [
    ({"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
     "invalid_grant: Token has been expired or revoked."),
    ({"error": "invalid_grant", "error_description": "  "}, "invalid_grant"),
    ({"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "Bad key"}},
     "UNAUTHENTICATED: Bad key"),
    ({"error": {"code": 401, "message": "Bad key"}}, "401: Bad key"),
    ({"error": ""}, '{"error": ""}'),
    ({"odd": True}, '{"odd": true}'),
])
def test_oauth_error(details, text):
    assert gc._oauth_error(details) == text


@pytest.mark.parametrize("body, text", [
    (b"", "(empty body)"),
    (b"  ", "(empty body)"),
    (b"null", "null"),
    (b'{"error": "rate_limited"}', "rate_limited"),
    (b"<html>\n Busy \xff</html>", "<html> Busy \ufffd</html>"),
])
def test_body_summary(body, text):
    assert gc._body_summary(body) == text


def refresh_error(*args, retryable: bool = False) -> Exception:
    exc = google.auth.exceptions.RefreshError(*args)
    exc._retryable = retryable
    return gc._refresh_error(exc, "the key", "c.json", TOKEN_URI, "make a new one")


def test_a_refusal_is_a_config_error_with_the_hint():
    error = refresh_error("invalid_grant: bad", {"error": "invalid_grant",
                                                 "error_description": "Bad grant"})
    assert isinstance(error, ConfigError)
    assert str(error) == (f"c.json: the token endpoint {SHOWN} refused to refresh the key: "
                          "invalid_grant: Bad grant; make a new one")
    assert error.where == "c.json"


def test_a_refusal_without_details_uses_its_text():
    error = refresh_error("plain\n  words")
    assert str(error).endswith("refresh the key: plain words; make a new one")


def test_a_retryable_refusal_is_a_source_error_without_the_hint():
    error = refresh_error("temporarily unavailable", retryable=True)
    assert isinstance(error, SourceError)
    assert str(error) == (f"google: the token endpoint {SHOWN} refused to refresh the key: "
                          "temporarily unavailable")
    assert error.url == SHOWN


def test_token_endpoint_unavailable_keeps_the_answer():
    response = requests.Response()
    response.status_code = 503
    error = gc.TokenEndpointUnavailable(TOKEN_URI, response, 4)
    assert (str(error), error.url, error.response, error.attempts) == \
        ("HTTP 503", TOKEN_URI, response, 4)


def credentials_file(tmp_path, info) -> dict:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return {"CREDENTIALS_FILE": str(path), "path_to_json_file": "c.json"}


def test_a_service_account_file_without_a_usable_key(tmp_path):
    config = credentials_file(tmp_path, {"type": "service_account", "private_key": "nope",
                                         "client_email": "a@b"})
    with pytest.raises(ConfigError) as failure:
        load_credentials(config)
    assert str(failure.value).startswith(f"c.json: key 'CREDENTIALS_FILE': the credentials "
                                         f"file {tmp_path / 'key.json'} has no usable private "
                                         "key (")
    assert failure.value.key == "CREDENTIALS_FILE"


def test_a_service_account_file_without_client_email(tmp_path):
    info = dict(keys.json_key())
    info.pop("client_email")
    with pytest.raises(ConfigError) as failure:
        load_credentials(credentials_file(tmp_path, info))
    assert str(failure.value) == (f"c.json: key 'CREDENTIALS_FILE': the credentials file "
                                  f"{tmp_path / 'key.json'} lacks client_email")


def test_an_authorized_user_file_is_described_by_its_path(tmp_path):
    info = {"type": "authorized_user", "client_id": keys.CLIENT_ID,
            "client_secret": keys.CLIENT_SECRET, "refresh_token": keys.REFRESH_TOKEN}
    creds = load_credentials(credentials_file(tmp_path, info))
    assert creds._pp_describe == f"the credentials file {tmp_path / 'key.json'}"
    assert creds._pp_where == str(tmp_path / "key.json")
