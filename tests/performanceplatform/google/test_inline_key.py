"""A service account whose ``PRIVATE_KEY`` holds the PEM itself, through the real CLI.

Whatever the mode (a normal run, ``--dry-run``, ``LOGLEVEL=DEBUG``) and whether the key is
good or damaged, no output and no log file holds the key or any line of it.
"""

from __future__ import annotations

import pytest

from tests.helpers import served, stored
from tests.performanceplatform.utils.google import keys

MODES = {"normal": ((), {}), "dry-run": (("--dry-run",), {}),
         "debug": ((), {"LOGLEVEL": "DEBUG"})}
WEEK = ("-s", "2018-07-16", "-e", "2018-07-22")


def query() -> dict:
    return {"entrypoint": "performanceplatform.collector.ga4",
            "data-set": {"data-group": "inline", "data-type": "key"},
            "query": {"property": "123456", "metrics": ["sessions"], "dimensions": ["browser"]},
            "options": {}}


def damaged(pem: str) -> str:
    """The PEM with one line of its body garbled: still PEM-shaped, no longer a key."""
    lines = pem.splitlines()
    lines[3] = lines[3][::-1].replace("A", "!")
    return "\n".join(lines) + "\n"


def everything_written(result) -> str:
    logs = [path.read_text(errors="replace") for path in (result.workdir / "log").glob("*")
            if path.is_file()]
    return "\n".join([result.stdout, result.stderr, *logs])


def assert_no_key(text: str, pem: str) -> None:
    assert pem.strip() not in text
    body = [line for line in pem.splitlines() if line and "-----" not in line]
    assert len(body) > 10
    for line in body:
        assert line not in text, f"a line of the key is in the output: {line[:12]}..."


@pytest.mark.parametrize("mode", sorted(MODES))
def test_inline_pem_key_is_used_and_never_shown(sandbox, run_cli, mode):
    pem = keys.pem_bytes().decode()
    extra, env = MODES[mode]
    credentials = {"ACCOUNT_NAME": keys.ACCOUNT, "PRIVATE_KEY": pem}
    result = run_cli(query(), credentials, *WEEK, *extra, env=env)
    assert result.code == 0, result.stderr[-2000:]
    [grant] = sandbox.service("google_oauth").issued
    assert grant["claims"]["iss"] == keys.ACCOUNT
    if mode == "dry-run":
        assert stored(sandbox, "inline", "key") == []
    else:
        assert len(stored(sandbox, "inline", "key")) == 3
    assert_no_key(everything_written(result), pem)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_damaged_inline_pem_is_one_line_without_the_key(sandbox, run_cli, mode):
    pem = damaged(keys.pem_bytes().decode())
    extra, env = MODES[mode]
    result = run_cli(query(), {"ACCOUNT_NAME": keys.ACCOUNT, "PRIVATE_KEY": pem}, *WEEK,
                     *extra, env=env)
    assert result.code == 1
    line = [line for line in result.stderr.splitlines() if "PRIVATE_KEY" in line][-1]
    assert "credentials.json" in line and "given inline" in line
    assert "is not a P12, PEM or JSON" in line
    assert_no_key(everything_written(result), pem)
    assert served(sandbox) == []


def test_a_key_file_path_is_still_named(sandbox, run_cli, tmp_path):
    missing = str(tmp_path / "keys" / "missing.pem")
    result = run_cli(query(), {"ACCOUNT_NAME": keys.ACCOUNT, "PRIVATE_KEY": missing}, *WEEK)
    assert result.code == 1
    assert f"the private key file {missing}: does not exist" in result.stderr
