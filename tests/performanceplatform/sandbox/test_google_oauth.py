"""The simulated Google OAuth token endpoint."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

URL = "/oauth2.googleapis.com/token"
LEGACY = "/accounts.google.com/o/oauth2/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def post(sandbox, form: dict, path: str = URL) -> requests.Response:
    return requests.post(f"{sandbox.url}{path}", data=form, timeout=10)


def b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


NOW = int(time.time())


def assertion(header: dict | None = None, **claims) -> str:
    body = {"iss": "a@b.iam", "scope": "s", "aud": "https://oauth2.googleapis.com/token",
            "iat": NOW, "exp": NOW + 3600, **claims}
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
    for bad in (assertion(aud="https://elsewhere/token"), assertion(exp=NOW),
                assertion(exp=NOW + 7200), assertion(scope=""),
                assertion({"alg": "none"}), "not-a-jwt"):
        refused = post(sandbox, {"grant_type": JWT_GRANT, "assertion": bad})
        assert refused.status_code == 400, bad
        assert refused.json()["error"] == "invalid_grant"


def test_only_the_documented_audience_unless_configured(sandbox, settings):
    """Google's claim set: aud is always https://oauth2.googleapis.com/token, whichever of the
    two token paths the grant is posted to."""
    legacy = assertion(aud="https://accounts.google.com/o/oauth2/token")
    for path in (URL, LEGACY):
        refused = post(sandbox, {"grant_type": JWT_GRANT, "assertion": legacy}, path)
        assert refused.status_code == 400
        assert "bad audience" in refused.json()["error_description"]
        assert post(sandbox, {"grant_type": JWT_GRANT, "assertion": assertion()},
                    path).status_code == 200
    settings["audiences"] = ["https://accounts.google.com/o/oauth2/token"]
    assert post(sandbox, {"grant_type": JWT_GRANT, "assertion": legacy}).status_code == 200


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


def test_a_jwt_must_be_dated_by_the_real_time(sandbox):
    """A JWT dated by a frozen clock (re-running a missed cron slot) is refused, as Google
    refuses it; a few minutes of clock skew are allowed."""
    now = int(time.time())
    for iat in (1534152600, now + 3600, now - 3600 - 600):
        refused = post(sandbox, {"grant_type": JWT_GRANT,
                                 "assertion": assertion(iat=iat, exp=iat + 3600)})
        assert refused.status_code == 400, iat
        assert "iat and exp" in refused.json()["error_description"]
    for iat in (now - 1800, now + 120):
        accepted = post(sandbox, {"grant_type": JWT_GRANT,
                                  "assertion": assertion(iat=iat, exp=iat + 3600)})
        assert accepted.status_code == 200, iat


def test_the_url_the_request_arrived_on_is_no_audience(sandbox):
    """A TOKEN_URI pointed at the sandbox's own http URL still needs Google's audience."""
    arrived = f"{sandbox.url}{URL}"
    assert post(sandbox, {"grant_type": JWT_GRANT, "assertion": assertion(aud=arrived)}
                ).status_code == 400


def test_the_client_may_authenticate_with_http_basic(sandbox):
    """requests-oauthlib (the credentials tool's consent flow) sends client_secret_basic."""
    basic = requests.post(f"{sandbox.url}{URL}", auth=("c%40x", "secret"), timeout=10,
                          data={"grant_type": "authorization_code", "code": "x",
                                "redirect_uri": "http://localhost:1/"})
    assert basic.status_code == 200, basic.text
    assert basic.json()["refresh_token"].startswith("sandbox-refresh-")
    refresh = requests.post(f"{sandbox.url}{URL}", auth=("c", "s"), timeout=10,
                            data={"grant_type": "refresh_token", "refresh_token": "r"})
    assert refresh.status_code == 200
    anonymous = post(sandbox, {"grant_type": "authorization_code", "code": "x"})
    assert anonymous.json() == {"error": "invalid_request", "error_description":
                                "missing client_id"}


def consent(sandbox, **params) -> requests.Response:
    base = {"response_type": "code", "client_id": "c", "state": "st4te",
            "redirect_uri": "http://localhost:8085/", "scope": "s1 s2"}
    return requests.get(f"{sandbox.url}/accounts.google.com/o/oauth2/auth",
                        params={**base, **params}, allow_redirects=False, timeout=10)


def test_the_consent_page_redirects_to_the_loopback_server_with_a_code(sandbox, settings):
    answer = consent(sandbox)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("http", "localhost:8085", "/")
    sent = parse_qs(location.query)
    assert sent["state"] == ["st4te"] and sent["scope"] == ["s1 s2"]
    assert sent["code"][0].startswith("sandbox-code-")
    settings["deny"] = True
    denied = parse_qs(urlsplit(consent(sandbox).headers["Location"]).query)
    assert denied == {"error": ["access_denied"], "state": ["st4te"]}
    assert consent(sandbox, redirect_uri="https://evil.example/").status_code == 400
    assert consent(sandbox, response_type="token").status_code == 400
