"""The GA credentials tool (``pp-collector-ga-credentials``, also
``tools/generate-ga-credentials.py``): the files it writes are the ones the collectors read.

The consent flow runs for real (requests-oauthlib, the loopback server) against the
sandbox's consent page and token endpoint; the test plays the browser.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from google.oauth2.credentials import Credentials

from performanceplatform.google.credentials import authorized_session
from tests.performanceplatform.google import keys

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "generate-ga-credentials.py"
READONLY = "https://www.googleapis.com/auth/analytics.readonly"


@pytest.fixture(scope="module")
def tool():
    from performanceplatform.google import consent

    return consent


@pytest.mark.parametrize("command", [
    [sys.executable, str(SCRIPT)],  # the original's way, from a clone
    [str(Path(sys.executable).parent / "pp-collector-ga-credentials")],  # installed
])
def test_the_script_and_the_installed_command_run_the_tool(command, tmp_path):
    if not Path(command[0]).exists():
        pytest.skip("pp-collector-ga-credentials is not installed in this environment")
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: pp-collector-ga-credentials [-h]")
    done = subprocess.run([*command, str(tmp_path / "missing.json")], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1
    assert "cannot read" in done.stderr and "missing.json" in done.stderr


def flow_result(expiry: dt.datetime | None = None) -> Credentials:
    """What the consent flow hands back."""
    return Credentials(token="ya29.from-the-flow", refresh_token=keys.REFRESH_TOKEN,
                       token_uri="https://oauth2.googleapis.com/token",
                       client_id=keys.CLIENT_ID, client_secret=keys.CLIENT_SECRET,
                       scopes=[READONLY], expiry=expiry)


def test_help_names_the_command_and_says_what_each_option_does(tool, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # no wrapping
    with pytest.raises(SystemExit) as done:
        tool.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: pp-collector-ga-credentials [-h] [--creds-dir CREDS_DIR] "
                          "[--port PORT] [--no-browser] [--scope SCOPES] [--timeout TIMEOUT] "
                          "client_secret\n")
    said = " ".join(out.split())
    for line in ["Authorize pp-collector to read Google Analytics, and write the credentials "
                 "files.",
                 "client_secret the OAuth client secrets JSON file",
                 "--creds-dir CREDS_DIR where to write ga.json and ga/ (default: ./creds)",
                 "--port PORT port of the local redirect server (default: any free port)",
                 "--no-browser print the consent URL instead of opening a browser",
                 f"--scope SCOPES OAuth scope to ask for (default: {READONLY})",
                 "--timeout TIMEOUT seconds to wait for the consent (default: 600)"]:
        assert line in said
    assert "loopback" not in said  # the description is the docstring's first paragraph only


def test_by_default_the_tool_asks_in_the_browser_and_writes_to_creds(tool, tmp_path,
                                                                     monkeypatch, capsys):
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(keys.client_secrets()))
    monkeypatch.chdir(tmp_path)
    asked = []

    def the_flow(secrets, scopes, port, open_browser, timeout):
        asked.append((secrets, scopes, port, open_browser, timeout))
        return flow_result()

    monkeypatch.setattr(tool, "obtain_credentials", the_flow)
    assert tool.main(["client_secret.json"]) == 0
    assert asked == [(keys.client_secrets(), [READONLY], 0, True, 600)]
    ga_json = tmp_path.resolve() / "creds" / "ga.json"
    assert capsys.readouterr().out == \
        f"Wrote {ga_json}; use it with: pp-collector -c {ga_json} ...\n"


def test_layout(tool, tmp_path):
    expiry = dt.datetime(2026, 12, 1, 21, 5, 30)
    ga_json = tool.write_layout(tmp_path / "creds", keys.client_secrets(), flow_result(expiry))
    creds = tmp_path.resolve() / "creds"
    assert ga_json == creds / "ga.json"
    # indented with 2 spaces, as the original tool wrote it (spec core.md)
    assert ga_json.read_text() == json.dumps({
        "CLIENT_SECRETS": str(creds / "ga" / "client_secret.json"),
        "STORAGE_PATH": str(creds / "ga" / "storage.db")}, indent=2)
    assert (creds / "ga" / "client_secret.json").read_text() == \
        json.dumps(keys.client_secrets(), indent=2)
    # every key oauth2client's OAuth2Credentials.from_json reads (the original's format)
    assert json.loads((creds / "ga" / "storage.db").read_text()) == {
        "_module": "oauth2client.client", "_class": "OAuth2Credentials",
        "access_token": "ya29.from-the-flow", "client_id": keys.CLIENT_ID,
        "client_secret": keys.CLIENT_SECRET, "refresh_token": keys.REFRESH_TOKEN,
        "token_expiry": "2026-12-01T21:05:30Z",
        "token_uri": "https://oauth2.googleapis.com/token", "user_agent": None,
        "invalid": False, "id_token": None, "token_response": None,
        "revoke_uri": "https://oauth2.googleapis.com/revoke", "scopes": [READONLY]}
    for name in ("ga.json", "ga/client_secret.json", "ga/storage.db"):
        assert (creds / name).stat().st_mode & 0o077 == 0, name


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
    with pytest.raises(SystemExit) as refused:
        tool.write_layout(tmp_path, keys.client_secrets(), result)
    assert refused.value.code == (
        "generate-ga-credentials: Google gave no refresh token; remove the app's access at "
        "https://myaccount.google.com/permissions and retry")
    assert list(tmp_path.iterdir()) == []


def test_a_web_client_is_a_client_too(tool, tmp_path):
    path = tmp_path / "secret.json"
    web = {"web": keys.client_secrets()["installed"]}
    path.write_text(json.dumps(web))
    assert tool.read_client_secrets(path) == web


def test_a_missing_client_secrets_file_is_one_line(tool, tmp_path):
    path = tmp_path / "missing.json"
    with pytest.raises(SystemExit) as failure:
        tool.read_client_secrets(path)
    assert failure.value.code == (f"generate-ga-credentials: cannot read {path}: [Errno 2] "
                                  f"No such file or directory: '{path}'")


def test_bad_client_secrets(tool, tmp_path):
    path = tmp_path / "secret.json"
    path.write_text(json.dumps({"something": {}}))
    with pytest.raises(SystemExit, match="not an OAuth client secrets file"):
        tool.read_client_secrets(path)


def test_main_runs_the_flow_and_writes(tool, tmp_path, monkeypatch, capsys):
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(keys.client_secrets()))
    calls = []

    def fake_flow(secrets, scopes, port, open_browser, timeout):
        calls.append((scopes, port, open_browser))
        return flow_result()

    monkeypatch.setattr(tool, "obtain_credentials", fake_flow)
    assert tool.main([str(secret), "--creds-dir", str(tmp_path / "c"), "--no-browser",
                      "--port", "8085"]) == 0
    assert calls == [(["https://www.googleapis.com/auth/analytics.readonly"], 8085, False)]
    assert (tmp_path / "c" / "ga.json").exists()
    assert "ga.json" in capsys.readouterr().out


def sandbox_client_secrets(sandbox) -> dict:
    """A "Desktop app" client whose Google endpoints are the sandbox's (plain http)."""
    secrets = keys.client_secrets()
    secrets["installed"].update(
        auth_uri=f"{sandbox.url}/accounts.google.com/o/oauth2/auth",
        token_uri=f"{sandbox.url}/oauth2.googleapis.com/token")
    return secrets


class ToolRun:
    """The tool's ``main`` in a thread, as a user runs it with ``--no-browser``."""

    def __init__(self, tool, argv: list[str]):
        self.code: int | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(tool, argv), daemon=True)
        self.thread.start()

    def _run(self, tool, argv):
        try:
            self.code = tool.main(argv)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.error = exc

    def consent_url(self, capsys) -> str:
        printed = ""
        for _ in range(100):
            printed += capsys.readouterr().out
            found = re.search(r"authorize pp-collector: (\S+)", printed)
            if found:
                return found.group(1)
            time.sleep(0.05)
        raise AssertionError(f"no consent URL printed: {printed!r} ({self.error!r})")

    def finish(self):
        self.thread.join(15)
        assert not self.thread.is_alive()
        return self


@pytest.fixture
def flow_env(monkeypatch):
    # the sandbox's token endpoint is plain http on loopback
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def test_the_real_consent_flow_writes_credentials_the_collector_refreshes(
        tool, tmp_path, sandbox, capsys, flow_env):
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(sandbox_client_secrets(sandbox)))
    run = ToolRun(tool, [str(secret), "--creds-dir", str(tmp_path / "creds"), "--no-browser",
                         "--timeout", "20"])
    url = run.consent_url(capsys)
    sent = dict(re.findall(r"[?&]([^=&]+)=([^&]*)", url))
    assert sent["access_type"] == "offline" and sent["prompt"] == "consent"
    browser = requests.get(url, timeout=10)  # consent page → 302 → the tool's loopback server
    assert browser.status_code == 200 and "pp-collector is authorized" in browser.text
    run.finish()
    assert run.error is None and run.code == 0
    assert "Wrote " in capsys.readouterr().out

    grants = sandbox.service("google_oauth").issued
    assert [g["grant_type"] for g in grants] == ["authorization_code"]
    assert grants[0]["subject"].startswith("sandbox-code-")
    config = json.loads((tmp_path / "creds" / "ga.json").read_text())
    storage = json.loads(Path(config["STORAGE_PATH"]).read_text())
    assert storage["access_token"] == grants[0]["access_token"]
    assert storage["refresh_token"].startswith("sandbox-refresh-")
    assert storage["client_id"] == keys.CLIENT_ID

    # the collector refreshes with what the tool wrote (its token URI is the sandbox's)
    storage["token_expiry"] = "2000-01-01T00:00:00Z"
    Path(config["STORAGE_PATH"]).write_text(json.dumps(storage))
    answer = authorized_session(config).post(
        f"{sandbox.url}/analyticsdata.googleapis.com/v1beta/properties/1:runReport",
        json={"dateRanges": [{"startDate": "2018-07-16", "endDate": "2018-07-16"}],
              "metrics": [{"name": "sessions"}]})
    assert answer.status_code == 200
    assert sandbox.service("google_oauth").issued[1]["subject"] == storage["refresh_token"]


def consent_and_finish(tool, tmp_path, sandbox, capsys) -> ToolRun:
    """Run the tool, visit its consent page as the user would, and wait for it to end."""
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(sandbox_client_secrets(sandbox)))
    run = ToolRun(tool, [str(secret), "--creds-dir", str(tmp_path / "creds"), "--no-browser",
                         "--timeout", "20"])
    requests.get(run.consent_url(capsys), timeout=10)
    run.finish()
    return run


def test_a_denied_consent_is_one_line(tool, tmp_path, sandbox, capsys, flow_env,
                                      service_settings):
    service_settings("google_oauth")["deny"] = True
    run = consent_and_finish(tool, tmp_path, sandbox, capsys)
    assert isinstance(run.error, SystemExit)
    assert str(run.error.code) == ("generate-ga-credentials: Google refused the authorization: "
                                   "access_denied")
    assert not (tmp_path / "creds").exists()


def test_a_refused_code_is_one_line(tool, tmp_path, sandbox, capsys, flow_env,
                                    service_settings):
    service_settings("google_oauth")["refuse"] = True
    run = consent_and_finish(tool, tmp_path, sandbox, capsys)
    assert isinstance(run.error, SystemExit)
    assert run.error.code == ("generate-ga-credentials: Google refused the authorization: "
                              "invalid_grant: Token has been expired or revoked.")
    assert not (tmp_path / "creds").exists()


def test_no_answer_in_time_is_one_line(tool, tmp_path, sandbox, capsys, flow_env):
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(sandbox_client_secrets(sandbox)))
    run = ToolRun(tool, [str(secret), "--no-browser", "--timeout", "1",
                         "--creds-dir", str(tmp_path / "creds")])
    run.consent_url(capsys)
    run.finish()
    assert isinstance(run.error, SystemExit)
    assert "no answer from the browser within 1 s" in str(run.error.code)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_fewer_scopes_granted_than_asked_is_one_line(tool, tmp_path, sandbox, capsys,
                                                     flow_env, monkeypatch):
    monkeypatch.delenv("OAUTHLIB_RELAX_TOKEN_SCOPE", raising=False)
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(sandbox_client_secrets(sandbox)))
    edit = "https://www.googleapis.com/auth/analytics.edit"
    run = ToolRun(tool, [str(secret), "--creds-dir", str(tmp_path / "creds"), "--no-browser",
                         "--timeout", "20", "--scope", READONLY, "--scope", edit])
    url = run.consent_url(capsys)
    assert parse_qs(urlsplit(url).query)["scope"] == [f"{READONLY} {edit}"]
    requests.get(url, timeout=10)  # the sandbox grants the read-only scope alone
    run.finish()
    assert isinstance(run.error, SystemExit)
    said = re.fullmatch(r'generate-ga-credentials: Scope has changed from "([^"]+)" to '
                        r'"([^"]+)"\.', run.error.code)  # oauthlib's order of the asked ones
    assert said, run.error.code
    assert sorted(said.group(1).split(" ")) == sorted([READONLY, edit])
    assert said.group(2) == READONLY
    assert not (tmp_path / "creds").exists()


def test_a_busy_port_is_one_line(tool, tmp_path, sandbox, flow_env):
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(sandbox_client_secrets(sandbox)))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit) as failure:
            tool.main([str(secret), "--creds-dir", str(tmp_path / "creds"), "--no-browser",
                       "--port", str(port), "--timeout", "5"])
    assert failure.value.code == (f"generate-ga-credentials: cannot listen on port {port} for "
                                  "Google's answer: Address already in use")


def test_a_token_endpoint_out_of_reach_is_one_line(tool, tmp_path, sandbox, capsys, flow_env):
    secrets = sandbox_client_secrets(sandbox)
    secrets["installed"]["token_uri"] = f"http://127.0.0.1:{free_port()}/token"
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(secrets))
    run = ToolRun(tool, [str(secret), "--creds-dir", str(tmp_path / "creds"), "--no-browser",
                         "--timeout", "20"])
    requests.get(run.consent_url(capsys), timeout=10)
    run.finish()
    assert isinstance(run.error, SystemExit)
    assert run.error.code == ("generate-ga-credentials: could not reach Google's token "
                              "endpoint (ConnectionError)")
    assert not (tmp_path / "creds").exists()


def test_without_no_browser_the_users_browser_opens_the_consent_page(
        tool, tmp_path, sandbox, capsys, flow_env, monkeypatch):
    import webbrowser

    # $BROWSER names the user's browser (Python's webbrowser reads it); this one fetches the
    # page in the background, as a real browser returns at once
    seen = tmp_path / "browser.txt"
    browser = tmp_path / "browser"
    browser.write_text(
        "#!/bin/sh\n"
        f"'{sys.executable}' -c 'import requests, sys; "
        f"open(sys.argv[2], \"w\").write(requests.get(sys.argv[1], timeout=10).text)' "
        f"\"$1\" '{seen}' &\n")
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", f"{browser} %s")
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # read $BROWSER again
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps(sandbox_client_secrets(sandbox)))
    run = ToolRun(tool, [str(secret), "--creds-dir", str(tmp_path / "creds"), "--timeout", "20"])
    run.finish()
    assert run.error is None and run.code == 0
    printed = capsys.readouterr().out
    assert re.match(r"Open this URL to authorize pp-collector: http://\S+\n", printed)
    for _ in range(100):
        if seen.exists() and seen.read_text():
            break
        time.sleep(0.05)
    assert seen.read_text() == "pp-collector is authorized; you can close this window."
    assert (tmp_path / "creds" / "ga.json").exists()
