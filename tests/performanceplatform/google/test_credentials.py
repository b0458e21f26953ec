"""Google credentials: every shape refreshes against the simulated token endpoint."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from pathlib import Path

import pytest
from google.auth import jwt

from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import ConfigError, SourceError
from performanceplatform.utils.google.credentials import (
    ANALYTICS_SCOPE,
    api_root,
    authorized_session,
    check_credentials,
    load_credentials,
)
from tests.helpers import inject, served
from tests.performanceplatform.utils.google import keys

REPORT_URL = "https://analyticsdata.googleapis.com/v1beta/properties/1:runReport"
REPORT_BODY = {"dateRanges": [{"startDate": "2018-07-16", "endDate": "2018-07-16"}],
               "metrics": [{"name": "sessions"}]}


@pytest.fixture
def google(sandbox, monkeypatch):
    """The sandbox, with built-in Google URLs sent to it."""
    monkeypatch.setenv("PP_COLLECTOR_SANDBOX_URL", sandbox.url)
    return sandbox


def issued(sandbox) -> list[dict]:
    return sandbox.service("google_oauth").issued


def report(session) -> int:
    return session.post(REPORT_URL, json=REPORT_BODY).status_code


def test_storage_file_is_refreshed_and_written_back(google, tmp_path):
    creds = keys.write_storage_credentials(tmp_path)
    session = authorized_session(creds, [ANALYTICS_SCOPE])
    assert report(session) == 200
    grant = issued(google)[0]
    assert grant["grant_type"] == "refresh_token"
    assert grant["subject"] == keys.REFRESH_TOKEN
    stored = json.loads((tmp_path / "storage.db").read_text())
    assert stored["access_token"] == grant["access_token"]
    assert stored["token_expiry"] > "2018-01-01T00:00:00Z"
    assert stored["refresh_token"] == keys.REFRESH_TOKEN
    assert stored["_class"] == "OAuth2Credentials"
    # the oauth2client address in the storage file is the one asked
    assert [r["path"] for r in served(google, "google_oauth")] == [
        "/accounts.google.com/o/oauth2/token"]


def test_a_storage_file_without_token_uri_uses_the_documented_endpoint(google, tmp_path):
    creds = keys.write_storage_credentials(tmp_path)
    record = json.loads((tmp_path / "storage.db").read_text())
    del record["token_uri"]
    (tmp_path / "storage.db").write_text(json.dumps(record))
    secrets = keys.client_secrets()
    del secrets["installed"]["token_uri"]
    (tmp_path / "client_secrets.json").write_text(json.dumps(secrets))
    assert report(authorized_session(creds)) == 200
    assert [r["path"] for r in served(google, "google_oauth")] == ["/oauth2.googleapis.com/token"]


@pytest.mark.parametrize("kind", ["pem", "p12"])
def test_service_account_with_the_legacy_token_uri_keeps_the_documented_audience(
        google, tmp_path, kind):
    creds = keys.write_service_account_credentials(tmp_path, kind)
    creds["TOKEN_URI"] = "https://accounts.google.com/o/oauth2/token"
    assert report(authorized_session(creds)) == 200
    assert served(google, "google_oauth")[0]["path"] == "/accounts.google.com/o/oauth2/token"
    assert issued(google)[0]["claims"]["aud"] == "https://oauth2.googleapis.com/token"


def test_a_fresh_stored_token_is_used_without_refreshing(google, tmp_path):
    creds = keys.write_storage_credentials(tmp_path, expiry="2999-01-01T00:00:00Z")
    record = json.loads((tmp_path / "storage.db").read_text())
    record["access_token"] = "sandbox-access-still-good"
    (tmp_path / "storage.db").write_text(json.dumps(record))
    assert report(authorized_session(creds)) == 200
    assert issued(google) == []


def test_a_401_refreshes_once_and_repeats_the_request(google, tmp_path):
    creds = keys.write_storage_credentials(tmp_path, expiry=None)  # looks valid, is not
    session = authorized_session(creds)
    assert report(session) == 200
    ga4 = served(google, "ga4")
    assert [r["status"] for r in ga4] == [401, 200]
    assert len(issued(google)) == 1


def test_refused_refresh_names_the_storage_file(google, tmp_path, monkeypatch):
    monkeypatch.setitem(google_settings(google), "revoked", [keys.REFRESH_TOKEN])
    creds = keys.write_storage_credentials(tmp_path)
    with pytest.raises(ConfigError) as caught:
        report(authorized_session(creds))
    message = str(caught.value)
    assert str(tmp_path / "storage.db") in message
    assert "invalid_grant" in message and "\n" not in message
    assert keys.REFRESH_TOKEN not in message and keys.CLIENT_SECRET not in message


def test_token_endpoint_down_is_a_source_error(google, tmp_path, caplog):
    """Retried by our policy only (scaled to nothing in the tests, and logged), never by
    google-auth's own loop, which slept for real and asked 3 times per attempt."""
    inject(google, service="google_oauth", status=503, count=20)
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        report(authorized_session(keys.write_storage_credentials(tmp_path)))
    assert time.monotonic() - started < 1.5
    assert [r["status"] for r in served(google, "google_oauth")] == [503] * 5
    assert "token endpoint https://accounts.google.com/o/oauth2/token answered HTTP 503 " \
           "after 5 attempts" in str(caught.value)
    retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(retries) == 4 and "token POST" in retries[0]


def test_a_retryable_token_error_is_retried_by_our_policy(google, tmp_path):
    busy = json.dumps({"error": "temporarily_unavailable"})
    inject(google, service="google_oauth", status=400, body=busy, count=2)
    inject(google, service="google_oauth", status=429, count=1)
    assert report(authorized_session(keys.write_storage_credentials(tmp_path))) == 200
    assert [r["status"] for r in served(google, "google_oauth")] == [400, 400, 429, 200]


@pytest.mark.parametrize("body, shown", [
    (json.dumps({"error": "invalid_grant", "error_description": "Bad Request"}),
     ": invalid_grant: Bad Request; "),
    (json.dumps({"error": "invalid_client"}), ": invalid_client; "),
    (json.dumps({"status": "refused", "detail": "no"}), ': {"status": "refused", "detail": '
                                                        '"no"}; '),
    ("<html>\n<body>Forbidden\n</body></html>", ": <html> <body>Forbidden </body></html>; "),
])
def test_a_refusal_is_one_line_with_google_s_words(google, tmp_path, body, shown):
    inject(google, service="google_oauth", status=400, body=body, count=1)
    with pytest.raises(ConfigError) as caught:
        report(authorized_session(keys.write_storage_credentials(tmp_path)))
    message = str(caught.value)
    assert shown in message and "\n" not in message
    assert message.endswith("run pp-collector-ga-credentials again")


def test_a_refused_service_account_is_not_sent_to_the_user_credentials_tool(google, tmp_path):
    refused = json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
    inject(google, service="google_oauth", status=400, body=refused, count=1)
    with pytest.raises(ConfigError) as caught:
        report(authorized_session(keys.write_service_account_credentials(tmp_path, "p12")))
    message = str(caught.value)
    assert "refused to refresh the service account " + keys.ACCOUNT in message
    assert ": invalid_grant: Invalid JWT Signature.; check that the service account" in message
    assert "ga-credentials" not in message


def google_settings(sandbox) -> dict:
    config = sandbox.service("google_oauth").config
    return config.services.setdefault("google_oauth", {})


@pytest.mark.parametrize("kind", ["pem", "p12", "json"])
def test_service_account_keys(google, tmp_path, kind):
    creds = keys.write_service_account_credentials(tmp_path, kind)
    assert report(authorized_session(creds)) == 200
    grant = issued(google)[0]
    assert grant["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert grant["claims"]["iss"] == keys.ACCOUNT
    assert grant["claims"]["scope"] == ANALYTICS_SCOPE
    kept = json.loads((tmp_path / "sa-storage.db").read_text())
    assert kept["access_token"] == grant["access_token"]


def test_service_account_jwt_claims_match_the_original(google, tmp_path, monkeypatch):
    """iat/exp follow the real time even when the clock is frozen to re-run a missed slot."""
    monkeypatch.setenv("PP_COLLECTOR_NOW", "2018-08-13T09:30:00Z")
    creds = keys.write_service_account_credentials(tmp_path, "pem")
    before = int(time.time())
    assert report(authorized_session(creds)) == 200
    after = int(time.time())
    claims = issued(google)[0]["claims"]
    assert before <= claims["iat"] <= after
    assert claims == {"iss": keys.ACCOUNT, "scope": ANALYTICS_SCOPE,
                      "aud": "https://oauth2.googleapis.com/token",
                      "iat": claims["iat"], "exp": claims["iat"] + 3600}
    # Google's documented endpoint and audience, not oauth2client's old address
    assert served(google, "google_oauth")[0]["path"] == "/oauth2.googleapis.com/token"
    kept = json.loads((tmp_path / "sa-storage.db").read_text())
    expiry = dt.datetime.strptime(kept["token_expiry"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(expiry.replace(tzinfo=dt.timezone.utc).timestamp() - (before + 3600)) < 60


def test_service_account_token_is_reused_from_storage(google, tmp_path):
    creds = keys.write_service_account_credentials(tmp_path, "pem")
    assert report(authorized_session(creds)) == 200
    assert report(authorized_session(creds)) == 200
    assert len(issued(google)) == 1


def test_credentials_file_service_account_and_authorized_user(google, tmp_path):
    (tmp_path / "sa.json").write_text(json.dumps(keys.json_key()))
    assert report(authorized_session({"CREDENTIALS_FILE": str(tmp_path / "sa.json")})) == 200
    user = {"type": "authorized_user", "client_id": keys.CLIENT_ID,
            "client_secret": keys.CLIENT_SECRET, "refresh_token": keys.REFRESH_TOKEN}
    (tmp_path / "user.json").write_text(json.dumps(user))
    assert report(authorized_session({"CREDENTIALS_FILE": str(tmp_path / "user.json")})) == 200
    assert [g["subject"] for g in issued(google)] == [keys.ACCOUNT, keys.REFRESH_TOKEN]
    written = json.loads((tmp_path / "user.json").read_text())
    assert written["token"] == issued(google)[1]["access_token"]
    assert written["type"] == "authorized_user"


def test_in_process_oauth2_credentials(google):
    serialized = keys.storage_record()
    del serialized["client_secret"]
    creds = {"CLIENT_SECRETS": keys.client_secrets(), "OAUTH2_CREDENTIALS": serialized}
    assert report(authorized_session(creds)) == 200
    assert issued(google)[0]["subject"] == keys.REFRESH_TOKEN


def test_token_uri_key_overrides_the_file(google, tmp_path):
    creds = keys.write_storage_credentials(tmp_path)
    creds["TOKEN_URI"] = "https://oauth2.googleapis.com/token"
    assert report(authorized_session(creds)) == 200
    assert served(google, "google_oauth")[0]["path"] == "/oauth2.googleapis.com/token"


@pytest.mark.parametrize("setup, fragment", [
    (lambda d: {"CLIENT_SECRETS": str(d / "cs.json"), "STORAGE_PATH": str(d / "no.db")},
     "no.db does not exist"),
    (lambda d: {"CLIENT_SECRETS": str(d / "cs.json"), "STORAGE_PATH": str(d / "bad.db")},
     "bad.db is not valid JSON"),
    (lambda d: {"CLIENT_SECRETS": str(d / "missing.json"), "STORAGE_PATH": str(d / "ok.db")},
     "missing.json does not exist"),
    (lambda d: {"ACCOUNT_NAME": keys.ACCOUNT, "PRIVATE_KEY": str(d / "bad.db")},
     "is not a P12, PEM or JSON"),
    (lambda d: {"ACCOUNT_NAME": keys.ACCOUNT, "PRIVATE_KEY": ""}, "PRIVATE_KEY"),
    (lambda d: {"CREDENTIALS_FILE": str(d / "cs.json")}, "must have \"type\""),
    (lambda d: {"OAUTH2_CREDENTIALS": "not json"}, "OAUTH2_CREDENTIALS"),
    (lambda d: {}, "no Google credentials"),
])
def test_bad_credentials_are_one_config_error(tmp_path, setup, fragment):
    (tmp_path / "cs.json").write_text(json.dumps(keys.client_secrets()))
    (tmp_path / "bad.db").write_text("{not json")
    (tmp_path / "ok.db").write_text(json.dumps(keys.storage_record()))
    creds = dict(setup(tmp_path), path_to_json_file=str(tmp_path / "creds.json"))
    with pytest.raises(ConfigError) as caught:
        load_credentials(creds)
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "creds.json"))


def test_check_credentials_collects_the_problem(tmp_path):
    problems = Problems("creds.json")
    assert check_credentials({"STORAGE_PATH": "x", "CLIENT_SECRETS": str(tmp_path / "n")},
                             problems) is None
    assert problems.found[0][0] == "CLIENT_SECRETS"


def test_relative_paths_are_also_found_beside_the_credentials_json(tmp_path, monkeypatch):
    keys.write_storage_credentials(tmp_path)
    monkeypatch.chdir("/")
    creds = {"CLIENT_SECRETS": "client_secrets.json", "STORAGE_PATH": "storage.db",
             "path_to_json_file": str(tmp_path / "ga.json")}
    assert load_credentials(creds).refresh_token == keys.REFRESH_TOKEN


def test_api_root():
    default = "https://analyticsdata.googleapis.com"
    assert api_root({}, default) == default + "/"
    assert api_root({"API_ROOT": "http://proxy:8080/google"}, default) == \
        "http://proxy:8080/google/"
    by_host = {"API_ROOT": {"analyticsdata.googleapis.com": "http://ga4.local/"}}
    assert api_root(by_host, default) == "http://ga4.local/"
    assert api_root(by_host, "https://www.googleapis.com/") == "https://www.googleapis.com/"
    with pytest.raises(ConfigError, match="API_ROOT"):
        api_root({"API_ROOT": "ftp://x"}, default)


@pytest.mark.parametrize("kind", ["pem", "p12", "json"])
def test_jwt_is_signed_with_rs256_by_the_key(tmp_path, kind):
    creds = load_credentials(keys.write_service_account_credentials(tmp_path, kind))
    assertion = creds._make_authorization_grant_assertion()
    assertion = assertion if isinstance(assertion, bytes) else assertion.encode()
    header = assertion.split(b".")[0]
    decoded = json.loads(base64.urlsafe_b64decode(header + b"=" * (-len(header) % 4)))
    assert decoded["alg"] == "RS256"
    claims = jwt.decode(assertion, certs=keys.public_pem(), audience=creds._token_uri)
    assert claims["iss"] == keys.ACCOUNT
    assert abs(claims["iat"] - time.time()) < 60
    with pytest.raises(ValueError):  # signed by that key, not any other
        jwt.decode(assertion, certs=keys.other_public_pem(), audience=creds._token_uri)


def test_secrets_of_the_files_are_not_in_errors(google, tmp_path, monkeypatch):
    monkeypatch.setitem(google_settings(google), "refuse", True)
    creds = keys.write_service_account_credentials(tmp_path, "json")
    with pytest.raises(ConfigError) as caught:
        report(authorized_session(creds))
    text = str(caught.value)
    assert "service account" in text and str(Path(creds["PRIVATE_KEY"])) in text
    assert "PRIVATE KEY" not in text


def test_inline_client_secrets_json_is_read_and_never_quoted(google, tmp_path):
    creds = keys.write_storage_credentials(tmp_path)
    creds["CLIENT_SECRETS"] = json.dumps(keys.client_secrets(), indent=2)
    assert report(authorized_session(creds)) == 200
    broken = dict(creds, CLIENT_SECRETS=creds["CLIENT_SECRETS"][:-3],
                  path_to_json_file=str(tmp_path / "creds.json"))
    with pytest.raises(ConfigError) as caught:
        load_credentials(broken)
    message = str(caught.value)
    assert "CLIENT_SECRETS" in message and "not valid" in message
    assert keys.CLIENT_SECRET not in message and "installed" not in message


def test_a_value_that_is_no_file_name_is_not_quoted(tmp_path):
    text = "not a path\nbut two lines of secret stuff"
    creds = {"CLIENT_SECRETS": text, "STORAGE_PATH": str(tmp_path / "s.db"),
             "path_to_json_file": str(tmp_path / "creds.json")}
    with pytest.raises(ConfigError) as caught:
        load_credentials(creds)
    assert "the client secrets file named by CLIENT_SECRETS does not exist" in str(caught.value)
    assert "secret stuff" not in str(caught.value)


@pytest.mark.parametrize("shape", ["storage", "service_account"])
def test_workers_starting_together_share_one_token_refresh(google, tmp_path, shape):
    """Eight threads find the session without a token at once: one refresh serves them all
    (the pipeline fetches periods concurrently on one session)."""
    import threading

    if shape == "storage":
        creds = keys.write_storage_credentials(tmp_path)
    else:
        creds = keys.write_service_account_credentials(tmp_path)
    inject(google, service="google_oauth", delay=0.2, count=1, status=None)  # slow refresh
    session = authorized_session(creds, [ANALYTICS_SCOPE])
    start = threading.Barrier(8)
    answers: list[int] = []

    def worker() -> None:
        start.wait()
        answers.append(report(session))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 8
    assert len(issued(google)) == 1
