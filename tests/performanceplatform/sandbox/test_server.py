"""The sandbox server: control API, fault injection, request log."""

from __future__ import annotations

import time

import pytest
import requests

from performanceplatform.sandbox.cli import load_config, parse_args
from tests.helpers import inject, served


def test_status_lists_the_services(sandbox):
    services = requests.get(f"{sandbox.url}/_sandbox/status", timeout=10).json()["services"]
    assert services[:2] == ["backdrop", "stagecraft"]


def test_faults_answer_the_next_requests_then_stop(sandbox):
    inject(sandbox, service="backdrop", status=429, count=2, headers={"Retry-After": "3"})
    first = requests.get(f"{sandbox.url}/_status", timeout=10)
    assert first.status_code == 429 and first.headers["Retry-After"] == "3"
    assert requests.get(f"{sandbox.url}/_status", timeout=10).status_code == 429
    assert requests.get(f"{sandbox.url}/_status", timeout=10).status_code == 200


def test_faults_can_delay_and_reset(sandbox):
    inject(sandbox, service="backdrop", status=None, delay=0.3, count=1)
    started = time.monotonic()
    assert requests.get(f"{sandbox.url}/_status", timeout=10).status_code == 200
    assert time.monotonic() - started >= 0.3
    inject(sandbox, service="backdrop", reset=True, status=None, count=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{sandbox.url}/_status", timeout=10)


def test_bad_fault_specs_are_refused(sandbox):
    answer = requests.post(f"{sandbox.url}/_sandbox/faults", json={"stauts": 500}, timeout=10)
    assert answer.status_code == 400


def test_reset_forgets_faults_and_requests(sandbox):
    inject(sandbox, service="backdrop", status=500, count=5)
    requests.post(f"{sandbox.url}/_sandbox/reset", timeout=10)
    assert served(sandbox) == []
    assert requests.get(f"{sandbox.url}/_status", timeout=10).status_code == 200


def test_unknown_paths_are_404(sandbox):
    assert requests.get(f"{sandbox.url}/nothing/here", timeout=10).status_code == 404


def test_cli_config_flags(tmp_path):
    config_file = tmp_path / "sandbox.json"
    config_file.write_text('{"port": 0, "data_sets": [{"data_group": "g", "data_type": "t", '
                           '"bearer_token": "tok"}], "collectors_dir": "collectors"}')
    config = load_config(parse_args(["--config", str(config_file), "--port", "0"]))
    assert config.port == 0 and not config.auto_data_sets
    assert config.collectors_dir == str(tmp_path / "collectors")
    assert config.find_data_set("g", "t").bearer_token == "tok"
    assert config.find_data_set("g", "x") is None
