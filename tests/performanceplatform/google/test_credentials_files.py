"""The forms of client secrets and storage files that are read, and what a wrong one says."""

from __future__ import annotations

import json

import pytest

from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.google.credentials import load_credentials
from tests.performanceplatform.utils.google import keys


def storage_config(tmp_path, secrets: dict, stored: dict) -> dict:
    (tmp_path / "cs.json").write_text(json.dumps(secrets), encoding="utf-8")
    (tmp_path / "storage.db").write_text(json.dumps(stored), encoding="utf-8")
    return {"CLIENT_SECRETS": str(tmp_path / "cs.json"),
            "STORAGE_PATH": str(tmp_path / "storage.db"), "path_to_json_file": "c.json"}


@pytest.mark.parametrize("secrets", [
    {"web": keys.client_secrets()["installed"]},
    keys.client_secrets()["installed"],
])
def test_web_and_bare_client_secrets_are_read(tmp_path, secrets):
    stored = keys.storage_record()
    del stored["client_secret"]
    creds = load_credentials(storage_config(tmp_path, secrets, stored))
    assert (creds.client_id, creds.client_secret) == (keys.CLIENT_ID, keys.CLIENT_SECRET)


def test_client_secrets_without_a_client(tmp_path):
    with pytest.raises(ConfigError) as failure:
        load_credentials(storage_config(tmp_path, {"other": {}}, keys.storage_record()))
    assert str(failure.value) == ("c.json: key 'CLIENT_SECRETS': the client secrets must hold "
                                  "an 'installed' client")


def test_a_google_auth_storage_file_keeps_its_token(tmp_path):
    stored = {"type": "authorized_user", "token": "ya29.current-token",
              "refresh_token": keys.REFRESH_TOKEN, "client_id": keys.CLIENT_ID,
              "client_secret": keys.CLIENT_SECRET, "expiry": "2999-01-01T00:00:00Z"}
    creds = load_credentials(storage_config(tmp_path, keys.client_secrets(), stored))
    assert creds.token == "ya29.current-token"
    old_style = load_credentials(storage_config(tmp_path, keys.client_secrets(),
                                                keys.storage_record()))
    assert old_style.token == keys.STALE_TOKEN
