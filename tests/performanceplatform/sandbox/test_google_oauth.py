"""The simulated Google OAuth token endpoint."""

from __future__ import annotations

import base64
import json

import pytest
import requests

URL = "/oauth2.googleapis.com/token"
LEGACY = "/accounts.google.com/o/oauth2/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def post(sandbox, form: dict, path: str = URL) -> requests.Response:
    return requests.post(f"{sandbox.url}{path}", data=form, timeout=10)


def b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def assertion(header: dict | None = None, **claims) -> str:
    body = {"iss": "a@b.iam", "scope": "s", "aud": "https://accounts.google.com/o/oauth2/token",
            "iat": 1534152600, "exp": 1534156200, **claims}
    return f"{b64(header or {'alg': 'RS256', 'typ': 'JWT'})}.{b64(body)}.c2ln"


@pytest.fixture
def settings(service_settings):
    return service_settings("google_oauth")


def test_refresh_grant_issues_sandbox_tokens(sandbox):
    answer = post(sandbox, {"grant_type": "refresh_token", "refresh_token": "r",
                            "client_id": "c", "client_secret": "s"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["access_token"].startswith("sandbox-access-")
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    again = post(sandbox, {"grant_type": "refresh_token", "refresh_token": "r",
                           "client_id": "c"}, LEGACY).json()
    assert again["access_token"] != body["access_token"]


def test_jwt_grant_checks_the_claims(sandbox):
    good = post(sandbox, {"grant_type": JWT_GRANT, "assertion": assertion()}, LEGACY)
    assert good.status_code == 200
    assert sandbox.service("google_oauth").issued[0]["claims"]["iss"] == "a@b.iam"
    for bad in (assertion(aud="https://elsewhere/token"), assertion(exp=1534152600),
                assertion(exp=1534152600 + 7200), assertion(scope=""),
                assertion({"alg": "none"}), "not-a-jwt"):
        refused = post(sandbox, {"grant_type": JWT_GRANT, "assertion": bad})
        assert refused.status_code == 400, bad
        assert refused.json()["error"] == "invalid_grant"


def test_refuse_and_revoked_settings(sandbox, settings):
    form = {"grant_type": "refresh_token", "refresh_token": "r", "client_id": "c"}
    settings["revoked"] = ["r"]
    assert post(sandbox, form).json() == {
        "error": "invalid_grant", "error_description": "Token has been expired or revoked."}
    assert post(sandbox, dict(form, refresh_token="other")).status_code == 200
    settings["refuse"] = True
    assert post(sandbox, dict(form, refresh_token="other")).status_code == 400


def test_missing_fields_and_unknown_grants(sandbox):
    assert post(sandbox, {"grant_type": "refresh_token"}).json()["error"] == "invalid_request"
    assert post(sandbox, {"grant_type": "password"}).json()["error"] == \
        "unsupported_grant_type"
    assert requests.get(f"{sandbox.url}{URL}", timeout=10).status_code == 405


def test_authorization_code_grant_gives_a_refresh_token(sandbox):
    body = post(sandbox, {"grant_type": "authorization_code", "code": "x",
                          "client_id": "c"}).json()
    assert body["refresh_token"].startswith("sandbox-refresh-")


def test_faults_can_be_injected(sandbox):
    requests.post(f"{sandbox.url}/_sandbox/faults", json={"service": "google_oauth",
                                                          "status": 503}, timeout=10)
    form = {"grant_type": "refresh_token", "refresh_token": "r", "client_id": "c"}
    assert post(sandbox, form).status_code == 503
    assert post(sandbox, form).status_code == 200
