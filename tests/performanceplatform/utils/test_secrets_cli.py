"""Secrets never leave the program, checked on everything a real CLI run leaves behind:
stdout, stderr and every log file, with ``LOGLEVEL=DEBUG`` (urllib3 then logs each request
line, parameters percent-encoded)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.helpers import CliResult
from tests.performanceplatform.collector.piwik.test_e2e import credentials as piwik_credentials
from tests.performanceplatform.collector.piwik.test_e2e import query as piwik_query
from tests.performanceplatform.collector.test_main import QUERY, RECORD, STAGECRAFT_CONFIG

# Characters that percent-encoding changes: "/", "+", "=", "&", " ", "é", "%".
AWKWARD = "Pw/d+x=1&y z-é%41-0123"


def forms(secret: str) -> set[str]:
    """The secret as it may appear in a URL, a query string or a form body."""
    return {secret, quote(secret), quote(secret, safe=""), quote_plus(secret),
            quote(secret).lower(), quote_plus(secret).lower()} - {""}


def everything_written(result: CliResult) -> str:
    logs = sorted(Path(result.workdir, "log").glob("*")) if (result.workdir / "log").exists() \
        else []
    return result.output + "".join(path.read_text(encoding="utf-8") for path in logs)


def assert_never_shown(result: CliResult, secret: str) -> None:
    text = everything_written(result)
    for form in forms(secret):
        assert form not in text, f"{form!r} leaked"


@pytest.mark.parametrize("console", [True, False])
def test_a_token_sent_in_the_url_is_masked_in_debug_logs_in_every_encoding(sandbox, run_cli,
                                                                           console):
    creds = dict(piwik_credentials(sandbox), token_auth=AWKWARD, token_in_url=True)
    result = run_cli(piwik_query(), creds, "-s", "2014-03-01", "-e", "2014-03-02",
                     env={"LOGLEVEL": "DEBUG"}, console=console)
    assert result.code == 0, result.output
    text = everything_written(result)
    assert "token_auth=***" in text  # the request lines are there, masked
    assert "connectionpool" in text or console is False
    assert_never_shown(result, AWKWARD)


STAGECRAFT_SECRET = "stagecraft-data-set-secret-42"


@pytest.mark.parametrize("console", [True, False])
def test_the_bearer_token_of_a_stagecraft_data_set_is_masked(sandbox, sandbox_config, run_cli,
                                                             console):
    config = json.loads(json.dumps(STAGECRAFT_CONFIG))
    config["data_set"]["bearer_token"] = STAGECRAFT_SECRET
    sandbox_config.collectors["echo-slug"] = config
    # DISABLE_COLLECTORS logs the whole config instead of running it, data set included
    result = run_cli(None, {}, "-l", "echo-slug", console=console,
                     env={"LOGLEVEL": "DEBUG", "DISABLE_COLLECTORS": "true"})
    assert result.code == 0, result.output
    text = everything_written(result)
    assert "NOT run with the following" in text and "'bearer_token': '***'" in text
    assert_never_shown(result, STAGECRAFT_SECRET)


def test_the_json_logs_query_field_is_masked(sandbox, run_cli):
    registered = "canary-password-0123"
    query = dict(QUERY, query={"records": [RECORD], "note": registered,
                               "Token_Auth": "unregistered-token-0123"})
    result = run_cli(query, {"password": registered}, console=False)
    assert result.code == 0, result.output
    lines = (result.workdir / "log" / "production.json.log").read_text().splitlines()
    shown = {json.loads(line)["@fields"]["query"] for line in lines}
    assert shown == {f"Token_Auth=*** note=*** records={[RECORD]}"}
    for secret in (registered, "unregistered-token-0123"):
        assert_never_shown(result, secret)
