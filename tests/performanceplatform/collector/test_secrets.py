"""No secret in any output: every collector, every mode, canaries in every secret slot.

Each run plants a distinctive canary in every secret slot it has — the Backdrop token,
Stagecraft's omniscient token and the data set's ``bearer_token``, the Pingdom 3.1 token and
2.0 password and app key, Piwik/Matomo's ``token_auth``, the Google client secret, refresh
and access tokens, a service account's private key (a PEM file, or the PEM text itself),
the Webtrends password, a secret in G-Cloud's (unread) credentials file — and runs the real
``pp-collector`` in one mode: dry run, success, the source failing (401 or 500), Backdrop
failing (500), and with ``LOGLEVEL=DEBUG`` (tracebacks, urllib3's request lines) on the
console, in the log files and as JSON lines on stderr (``--log-format json``). No canary may
appear in stdout, stderr or any file of the log folder: neither as it is, nor URL-encoded,
nor (for the PEM key) any line of it.

The canaries hold ``+``, ``/`` and ``=`` so that their URL-encoded forms differ from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from performanceplatform.sandbox.config import DataSetConfig
from tests.helpers import CliRunner, inject, served
from tests.performanceplatform.collector.sandbox_configs import (
    COLLECTORS,
    Secrets,
    service_account_credentials,
    valid_config,
    window,
)
from tests.performanceplatform.google import keys

GROUP, TYPE = "secrets", "records"
SLUG = "secrets-slug"


def canary(slot: str) -> str:
    return f"Canary-{slot}+S3cr/t=="


SECRETS = Secrets(
    backdrop_token=canary("backdrop"), client_secret=canary("client-secret"),
    refresh_token=canary("refresh"), access_token="sandbox-access-" + canary("access"),
    pingdom_token=canary("pingdom-token"), pingdom_password=canary("pingdom-password"),
    pingdom_app_key=canary("pingdom-app-key"), token_auth=canary("token-auth"),
    webtrends_password=canary("webtrends-password"))
OMNISCIENT = canary("omniscient")
DATA_SET_TOKEN = canary("data-set-bearer")
GCLOUD_SECRET = canary("gcloud")
SOURCE_SERVICE = {"ga": "google_v3", "ga4": "ga4", "pingdom": "pingdom", "piwik": "piwik",
                  "matomo": "piwik", "webtrends": "webtrends", "gcloud": "gcloud"}


@dataclass(frozen=True)
class Mode:
    slug: bool = False                   # run with -l (Stagecraft) instead of -q
    dry_run: bool = False
    console: bool = False                # --console-logging instead of the log files
    json_log: bool = False               # --log-format json: JSON log lines on stderr
    debug: bool = False                  # LOGLEVEL=DEBUG
    fails: str | None = None             # "source" or "backdrop"
    status: int = 500


MODES = {
    "dry-run": Mode(dry_run=True, console=True),
    "success": Mode(slug=True),
    "source-401": Mode(fails="source", status=401),
    "backdrop-500": Mode(slug=True, fails="backdrop"),
    "debug-console-backdrop-401": Mode(console=True, debug=True, fails="backdrop", status=401),
    "debug-logs-source-500": Mode(slug=True, debug=True, fails="source"),
    "debug-json-stderr-backdrop-401": Mode(slug=True, json_log=True, debug=True,
                                           fails="backdrop", status=401),
}


def forms(secret: str) -> set[str]:
    """The secret as it is and URL-encoded in the usual ways."""
    return {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}


def pem_lines() -> list[str]:
    """The lines of the private key's body (the BEGIN/END lines are no secret)."""
    return [line for line in keys.pem_bytes().decode("ascii").splitlines()
            if line and not line.startswith("-----")]


def all_canaries() -> dict[str, set[str]]:
    values = [v for k, v in vars(SECRETS).items() if isinstance(v, str)]
    values += [OMNISCIENT, DATA_SET_TOKEN, GCLOUD_SECRET]
    return {value: forms(value) for value in values}


def outputs(result: Any, log_dir: Path) -> dict[str, str]:
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    for path in sorted(log_dir.rglob("*")):
        if path.is_file():
            texts[str(path.relative_to(log_dir))] = path.read_text(encoding="utf-8",
                                                                   errors="replace")
    return texts


def leaks(texts: dict[str, str]) -> list[str]:
    found = [f"{where}: {form!r}" for where, text in texts.items()
             for forms_ in all_canaries().values() for form in forms_ if form in text]
    found += [f"{where}: PEM line {line[:12]}..." for where, text in texts.items()
              for line in pem_lines() if line in text]
    return found


def stagecraft_config(query: dict[str, Any]) -> dict[str, Any]:
    return {"id": "5ec2e75", "slug": SLUG, "name": "secrets", "entry_point": query["entrypoint"],
            "query": query["query"], "options": query["options"], "type": {"slug": "t"},
            "data_source": {"slug": "s"}, "provider": {"slug": "p"},
            "data_set": {"data_group": GROUP, "data_type": TYPE,
                         "bearer_token": DATA_SET_TOKEN}}


def configure(name: str, run_cli: CliRunner) -> tuple[dict[str, Any], dict[str, Any]]:
    """The collector's query (into the canary data set) and its canary-filled credentials."""
    base = name.split("-service-account")[0].removesuffix("-token-in-url")
    query, credentials = valid_config(base, run_cli, SECRETS)
    query["data-set"] = {"data-group": GROUP, "data-type": TYPE}
    if name.endswith("-service-account-file"):
        credentials = service_account_credentials(run_cli, inline=False)
    elif name.endswith("-service-account-inline"):
        credentials = service_account_credentials(run_cli, inline=True)
    if name == TOKEN_IN_URL:
        credentials["token_in_url"] = True
    if base == "gcloud":
        credentials = {"password": GCLOUD_SECRET}
    return query, credentials


def command_line(name: str, mode: Mode, run_cli: CliRunner, sandbox_config: Any) -> list[str]:
    query, credentials = configure(name, run_cli)
    args = ["-c", str(run_cli.write("credentials.json", credentials)),
            "-t", str(run_cli.write("token.json", {"token": SECRETS.backdrop_token})),
            "-b", str(run_cli.write("performanceplatform.json", {
                "backdrop_url": f"{run_cli.sandbox.url}/data",
                "stagecraft_url": run_cli.sandbox.url, "omniscient_api_token": OMNISCIENT}))]
    if mode.slug:
        sandbox_config.collectors[SLUG] = stagecraft_config(query)
        args += ["-l", SLUG]
    else:
        args += ["-q", str(run_cli.write("query.json", query))]
    args += list(window(name))
    if mode.dry_run:
        args.append("--dry-run")
    if mode.console:
        args.append("--console-logging")
    if mode.json_log:
        args += ["--log-format", "json"]
    return args


INLINE_PEM = "ga4-service-account-inline"
TOKEN_IN_URL = "matomo.core-token-in-url"
VARIANTS = ["ga4-service-account-file", INLINE_PEM, TOKEN_IN_URL]


def matrix() -> list[Any]:
    params = []
    for name in COLLECTORS + VARIANTS:
        for mode in MODES:
            params.append(pytest.param(name, mode, id=f"{name}-{mode}"))
    return params


@pytest.fixture
def canary_sandbox(sandbox, sandbox_config, monkeypatch):
    """The sandbox with the canary data set token and omniscient token."""
    sandbox_config.data_sets.append(DataSetConfig(GROUP, TYPE, SECRETS.backdrop_token))
    monkeypatch.setattr(sandbox_config, "omniscient_token", OMNISCIENT)
    sandbox_config.services.setdefault("google_oauth", {})
    return sandbox


def run(name: str, mode: Mode, run_cli: CliRunner, sandbox: Any, sandbox_config: Any
        ) -> tuple[Any, dict[str, str]]:
    args = command_line(name, mode, run_cli, sandbox_config)
    if mode.fails:
        service = "backdrop" if mode.fails == "backdrop" else \
            SOURCE_SERVICE[name.split(".")[0].split("-")[0]]
        inject(sandbox, service=service, status=mode.status, count=20)
    env = {"LOGLEVEL": "DEBUG"} if mode.debug else {"LOGLEVEL": "INFO"}
    result = run_cli(args=args, env=env)
    return result, outputs(result, run_cli.workdir / "log")


@pytest.mark.parametrize("name, mode", matrix())
def test_no_secret_in_any_output(name, mode, canary_sandbox, sandbox_config, run_cli):
    how = MODES[mode]
    result, texts = run(name, how, run_cli, canary_sandbox, sandbox_config)
    assert result.code == (1 if how.fails else 0), result.output
    if how.json_log:
        assert '"@message": "' in texts["stderr"], "no JSON log: the test would see no leak"
    elif not how.console:
        assert texts.get("production.log"), "nothing was logged: the test would see no leak"
    if how.fails == "backdrop" or (how.fails is None and not how.dry_run):
        assert any(r["method"] in ("POST", "PUT") for r in served(canary_sandbox, "backdrop"))
    assert leaks(texts) == []


@pytest.mark.parametrize("mode", ["dry-run", "debug-logs-source-500"])
def test_an_inline_private_key_is_never_printed_whatever_the_exit_code(
        mode, canary_sandbox, sandbox_config, run_cli):
    _, texts = run(INLINE_PEM, MODES[mode], run_cli, canary_sandbox,
                   sandbox_config)
    assert leaks(texts) == []
