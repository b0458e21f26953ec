"""What a failed refresh says, end to end against the simulated token endpoint: who refused
what, the hint for the credentials' shape, the endpoint that could not be reached."""

from __future__ import annotations

import json
import socket

import pytest

from performanceplatform.utils.errors import ConfigError, SourceError
from performanceplatform.utils.google.credentials import (
    REGENERATE_HINT,
    SERIALIZED_HINT,
    authorized_session,
)
from tests.helpers import inject
from tests.performanceplatform.utils.google import keys
from tests.performanceplatform.utils.google.test_credentials import google, report

__all__ = ["google"]  # the fixture, shared with test_credentials.py

LEGACY = "https://accounts.google.com/o/oauth2/token"
REFUSED = json.dumps({"error": "invalid_grant", "error_description": "Token has been revoked."})


def test_a_refused_storage_refresh_names_endpoint_file_reason_and_hint(google, tmp_path):
    inject(google, service="google_oauth", status=400, body=REFUSED, count=1)
    with pytest.raises(ConfigError) as caught:
        report(authorized_session(keys.write_storage_credentials(tmp_path)))
    path = tmp_path / "storage.db"
    assert str(caught.value) == (f"{path}: the token endpoint {LEGACY} refused to refresh the "
                                 f"OAuth storage file {path}: invalid_grant: Token has been "
                                 f"revoked.; {REGENERATE_HINT}")


def test_refused_serialized_credentials_say_to_renew_them(google):
    inject(google, service="google_oauth", status=400, body=REFUSED, count=1)
    config = {"CLIENT_SECRETS": keys.client_secrets(), "path_to_json_file": "c.json",
              "OAUTH2_CREDENTIALS": json.dumps(keys.storage_record())}
    with pytest.raises(ConfigError) as caught:
        report(authorized_session(config))
    assert str(caught.value) == (f"c.json: the token endpoint {LEGACY} refused to refresh the "
                                 "credentials in OAUTH2_CREDENTIALS: invalid_grant: Token has "
                                 f"been revoked.; {SERIALIZED_HINT}")


def test_serialized_credentials_lacking_a_field_name_it_and_the_json(tmp_path):
    serialized = keys.storage_record()
    del serialized["refresh_token"]
    config = {"OAUTH2_CREDENTIALS": serialized, "path_to_json_file": "c.json"}
    with pytest.raises(ConfigError) as caught:
        authorized_session(config)
    assert str(caught.value) == ("c.json: the credentials in OAUTH2_CREDENTIALS lacks "
                                 f"refresh_token; {REGENERATE_HINT}")


def test_an_endpoint_that_keeps_failing_is_a_source_error_with_its_answer(google, tmp_path):
    inject(google, service="google_oauth", status=503, body="busy, come back later", count=20)
    with pytest.raises(SourceError) as caught:
        report(authorized_session(keys.write_storage_credentials(tmp_path)))
    path = tmp_path / "storage.db"
    assert str(caught.value) == (f"google: the token endpoint {LEGACY} answered HTTP 503 after 5 "
                                 f"attempts to refresh the OAuth storage file {path}: busy, "
                                 "come back later")
    assert (caught.value.url, caught.value.status) == (LEGACY, 503)


def test_an_endpoint_that_cannot_be_reached_is_named(google, tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    config = dict(keys.write_storage_credentials(tmp_path),
                  TOKEN_URI=f"http://127.0.0.1:{port}/token")
    with pytest.raises(SourceError) as caught:
        report(authorized_session(config))
    path = tmp_path / "storage.db"
    assert str(caught.value) == (f"google: could not reach the token endpoint "
                                 f"http://127.0.0.1:{port}/token to refresh the OAuth storage "
                                 f"file {path}: ConnectionError")
    assert caught.value.url == f"http://127.0.0.1:{port}/token"
