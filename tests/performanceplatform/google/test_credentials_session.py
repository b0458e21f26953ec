"""The authorized session and the token transport against the simulated Google: the scopes
asked, the caller's arguments and headers kept, the 401 log line, refreshes that go through
our HTTP layer (timeouts, our retries, never google-auth's), and the JWT's scope and subject."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from google.auth import jwt
from google.auth.exceptions import TransportError
from google.auth.transport.requests import Request as GoogleAuthRequest

from performanceplatform.google.credentials import (
    ANALYTICS_READONLY_SCOPE,
    ANALYTICS_SCOPE,
    TokenEndpointUnavailable,
    TokenTransport,
    authorized_session,
    load_credentials,
)
from tests.helpers import inject, served
from tests.performanceplatform.google import keys
from tests.performanceplatform.google.test_credentials import (
    REPORT_BODY,
    REPORT_URL,
    google,
    issued,
    report,
)

__all__ = ["google"]  # the fixture, shared with test_credentials.py

TOKEN_URL = "https://oauth2.googleapis.com/token"


def retries(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]


def test_authorized_session_asks_for_the_scopes_given(google, tmp_path):
    config = keys.write_service_account_credentials(tmp_path, "pem")
    session = authorized_session(config, [ANALYTICS_READONLY_SCOPE])
    assert session.credentials.scopes == [ANALYTICS_READONLY_SCOPE]
    assert report(session) == 200
    assert issued(google)[0]["claims"]["scope"] == ANALYTICS_READONLY_SCOPE
    assert authorized_session(config).credentials.scopes == [ANALYTICS_SCOPE]


def test_a_credentials_file_service_account_gets_the_scopes_given(tmp_path):
    (tmp_path / "sa.json").write_text(json.dumps(keys.json_key()), encoding="utf-8")
    creds = load_credentials({"CREDENTIALS_FILE": str(tmp_path / "sa.json")},
                             [ANALYTICS_READONLY_SCOPE])
    assert creds.scopes == [ANALYTICS_READONLY_SCOPE]


def test_the_jwt_asks_every_scope_and_the_subject_when_there_is_one(tmp_path):
    creds = load_credentials(keys.write_service_account_credentials(tmp_path, "pem"),
                             [ANALYTICS_SCOPE, ANALYTICS_READONLY_SCOPE])
    claims = jwt.decode(creds._make_authorization_grant_assertion(), certs=keys.public_pem(),
                        audience=creds._token_uri)
    assert claims["scope"] == f"{ANALYTICS_SCOPE} {ANALYTICS_READONLY_SCOPE}"
    assert "sub" not in claims
    delegated = creds.with_subject("analyst@example.org")
    claims = jwt.decode(delegated._make_authorization_grant_assertion(),
                        certs=keys.public_pem(), audience=creds._token_uri)
    assert claims["sub"] == "analyst@example.org"


def test_the_caller_s_headers_and_positional_arguments_are_kept(google, tmp_path):
    """The first answer is 401 (the stored token looks valid, is not): the repeated request
    carries them too."""
    session = authorized_session(keys.write_storage_credentials(tmp_path, expiry=None))
    answer = session.request("POST", REPORT_URL, {"alt": "json"}, json=REPORT_BODY,
                             headers={"Content-Type": "application/json; charset=utf-8"})
    assert answer.status_code == 200
    ga4 = served(google, "ga4")
    assert [r["status"] for r in ga4] == [401, 200]
    for entry in ga4:
        assert entry["content_type"] == "application/json; charset=utf-8"
        assert entry["query"] == [["alt", "json"]]
        assert entry["authorization"] == "Bearer"


def test_a_401_is_logged_with_the_redacted_url(google, tmp_path, caplog):
    session = authorized_session(keys.write_storage_credentials(tmp_path, expiry=None))
    with caplog.at_level(logging.INFO):
        assert session.post(REPORT_URL + "?key=s3cr3t-api-key", json=REPORT_BODY).status_code \
            == 200
    assert f"{REPORT_URL}?key=*** answered 401: refreshing the access token" in [
        r.getMessage() for r in caplog.records]


def test_a_refresh_with_google_auth_s_own_transport_still_goes_through_ours(google, tmp_path):
    """Our transport sends it to the sandbox; google-auth's would go to Google itself."""
    creds = load_credentials(keys.write_storage_credentials(tmp_path))
    creds.refresh(GoogleAuthRequest())
    assert creds.token == issued(google)[0]["access_token"]
    assert [r["path"] for r in served(google, "google_oauth")] == [
        "/accounts.google.com/o/oauth2/token"]


@pytest.mark.parametrize("body", [
    {"error": "temporarily_unavailable"},
    {"error": "invalid_request", "error_description": "internal_failure"},
])
def test_an_oauth_error_asking_to_retry_is_retried_by_our_policy(google, tmp_path, caplog,
                                                                 body):
    """Logged by our policy (scaled to no wait in the tests); google-auth's own loop, which
    sleeps for a second or more and logs nothing, never sees it."""
    inject(google, service="google_oauth", status=400, body=json.dumps(body), count=2)
    with caplog.at_level(logging.WARNING):
        assert report(authorized_session(keys.write_storage_credentials(tmp_path))) == 200
    assert [r["status"] for r in served(google, "google_oauth")] == [400, 400, 200]
    assert [line.split(" (")[0] for line in retries(caplog)] == [
        "token POST https://accounts.google.com/o/oauth2/token failed with HTTP 400"] * 2


def test_a_token_endpoint_that_hangs_is_cut_off_by_our_timeout(google, tmp_path, caplog,
                                                               monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_TIMEOUT", "5,0.5")
    session = authorized_session(keys.write_storage_credentials(tmp_path))
    inject(google, service="google_oauth", delay=3, count=1, status=503)  # never served
    with caplog.at_level(logging.WARNING):
        assert report(session) == 200
    assert [line.split(" (")[0] for line in retries(caplog)] == [
        "token POST https://accounts.google.com/o/oauth2/token failed with ReadTimeout"]


def test_the_transport_honours_a_timeout_it_is_given(google, caplog):
    inject(google, service="google_oauth", delay=3, count=1, status=503)  # never served
    with caplog.at_level(logging.WARNING):
        answer = TokenTransport()(TOKEN_URL, method="POST", body=b"grant_type=x",
                                  headers={"Content-Type": "application/x-www-form-urlencoded"},
                                  timeout=0.5)
    assert answer.status == 400
    assert [line.split(" (")[0] for line in retries(caplog)] == [
        f"token POST {TOKEN_URL} failed with ReadTimeout"]


def test_the_transport_gets_when_no_method_is_given(google, caplog):
    inject(google, service="google_oauth", status=503, count=1)
    with caplog.at_level(logging.WARNING):
        TokenTransport()(TOKEN_URL)
    assert [r["method"] for r in served(google, "google_oauth")] == ["GET", "GET"]
    assert retries(caplog)[0].startswith(f"token GET {TOKEN_URL} failed with HTTP 503")


def test_the_transport_raises_what_google_auth_expects(google):
    inject(google, service="google_oauth", status=503, count=5)
    with pytest.raises(TokenEndpointUnavailable) as unavailable:
        TokenTransport()(TOKEN_URL, method="POST")
    assert (unavailable.value.url, unavailable.value.attempts,
            unavailable.value.response.status_code) == (TOKEN_URL, 5, 503)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(TransportError) as unreachable:
        TokenTransport()(f"http://127.0.0.1:{port}/token", method="POST")
    assert f"port={port}" in str(unreachable.value)


def test_headers_given_positionally_are_kept_too(google, tmp_path):
    session = authorized_session(keys.write_storage_credentials(tmp_path, expiry=None))
    answer = session.request("POST", REPORT_URL, {"alt": "json"}, json.dumps(REPORT_BODY),
                             {"Content-Type": "application/json; charset=utf-8"})
    assert answer.status_code == 200
    for entry in served(google, "ga4"):
        assert entry["content_type"] == "application/json; charset=utf-8"
        assert entry["query"] == [["alt", "json"]]
        assert entry["authorization"] == "Bearer"
