"""tools/generate-ga-credentials.py: the files it writes are the ones the collectors read.

The browser consent flow itself needs a person; everything after it is tested here.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials

from performanceplatform.utils.google.credentials import authorized_session
from tests.performanceplatform.utils.google import keys

TOOL = Path(__file__).resolve().parents[2] / "tools" / "generate-ga-credentials.py"


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("generate_ga_credentials", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def flow_result() -> Credentials:
    """What the consent flow hands back."""
    return Credentials(token="ya29.from-the-flow", refresh_token=keys.REFRESH_TOKEN,
                       token_uri="https://oauth2.googleapis.com/token",
                       client_id=keys.CLIENT_ID, client_secret=keys.CLIENT_SECRET,
                       scopes=["https://www.googleapis.com/auth/analytics.readonly"])


def test_layout(tool, tmp_path):
    ga_json = tool.write_layout(tmp_path / "creds", keys.client_secrets(), flow_result())
    creds = tmp_path.resolve() / "creds"
    assert ga_json == creds / "ga.json"
    assert json.loads(ga_json.read_text()) == {
        "CLIENT_SECRETS": str(creds / "ga" / "client_secret.json"),
        "STORAGE_PATH": str(creds / "ga" / "storage.db")}
    assert (creds / "ga" / "client_secret.json").read_text() == \
        json.dumps(keys.client_secrets(), indent=2)
    storage = json.loads((creds / "ga" / "storage.db").read_text())
    assert storage["_class"] == "OAuth2Credentials"
    assert storage["refresh_token"] == keys.REFRESH_TOKEN
    assert storage["access_token"] == "ya29.from-the-flow"
    assert (creds / "ga" / "storage.db").stat().st_mode & 0o077 == 0


def test_the_collector_reads_and_refreshes_what_it_wrote(tool, tmp_path, sandbox,
                                                         monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_SANDBOX_URL", sandbox.url)
    ga_json = tool.write_layout(tmp_path / "creds", keys.client_secrets(), flow_result())
    config = json.loads(ga_json.read_text())
    session = authorized_session(config)
    answer = session.post(
        "https://analyticsdata.googleapis.com/v1beta/properties/1:runReport",
        json={"dateRanges": [{"startDate": "2018-07-16", "endDate": "2018-07-16"}],
              "metrics": [{"name": "sessions"}]})
    assert answer.status_code == 200  # the flow's token has no expiry: 401, refresh, retry
    grant = sandbox.service("google_oauth").issued[0]
    assert grant["subject"] == keys.REFRESH_TOKEN
    storage = json.loads(Path(config["STORAGE_PATH"]).read_text())
    assert storage["access_token"] == grant["access_token"]


def test_no_refresh_token_is_refused(tool, tmp_path):
    result = flow_result()
    result._refresh_token = None
    with pytest.raises(SystemExit, match="no refresh token"):
        tool.write_layout(tmp_path, keys.client_secrets(), result)


def test_bad_client_secrets(tool, tmp_path):
    path = tmp_path / "secret.json"
    path.write_text(json.dumps({"something": {}}))
    with pytest.raises(SystemExit, match="not an OAuth client secrets file"):
        tool.read_client_secrets(path)


def test_main_runs_the_flow_and_writes(tool, tmp_path, monkeypatch, capsys):
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(keys.client_secrets()))
    calls = []

    def fake_flow(secrets, scopes, port, open_browser):
        calls.append((scopes, port, open_browser))
        return flow_result()

    monkeypatch.setattr(tool, "obtain_credentials", fake_flow)
    assert tool.main([str(secret), "--creds-dir", str(tmp_path / "c"), "--no-browser",
                      "--port", "8085"]) == 0
    assert calls == [(["https://www.googleapis.com/auth/analytics.readonly"], 8085, False)]
    assert (tmp_path / "c" / "ga.json").exists()
    assert "ga.json" in capsys.readouterr().out
