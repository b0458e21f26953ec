"""The sandbox server: control API, fault injection, request log."""

from __future__ import annotations

import json
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


def post_faults(sandbox, body):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return requests.post(f"{sandbox.url}/_sandbox/faults", data=data, timeout=10,
                         headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("spec,field", [
    ({"stauts": 500}, "stauts"),
    ({"service": "backdrop", "count": "x"}, "count"),
    ({"service": "backdrop", "count": 0}, "count"),
    ({"service": "backdrop", "count": True}, "count"),
    ({"service": "backdrop", "delay": "abc"}, "delay"),
    ({"service": "backdrop", "delay": -1}, "delay"),
    ({"service": "backdrop", "status": "500"}, "status"),
    ({"service": "backdrop", "status": 99}, "status"),
    ({"service": "backdrop", "status": 600}, "status"),
    ({"service": 7}, "service"),
    ({"service": "backdrop", "path": None}, "path"),
    ({"service": "backdrop", "headers": ["Retry-After", "1"]}, "headers"),
    ({"service": "backdrop", "headers": {"Retry-After": 1}}, "headers"),
    ({"service": "backdrop", "body": {"a": 1}}, "body"),
    ({"service": "backdrop", "reset": "yes"}, "reset"),
    ({"service": "backdrop", "redirect": 5}, "redirect"),
    ({"service": "backdrop", "redirect": "/x", "status": 500}, "status"),
    ('"backdrop"', "object"),
    ([{"service": "backdrop"}, {"service": "backdrop", "count": "2"}], "count"),
])
def test_bad_fault_specs_are_refused_naming_the_field_and_nothing_is_queued(sandbox, spec,
                                                                            field):
    answer = post_faults(sandbox, spec)
    assert answer.status_code == 400
    assert field in answer.json()["message"]
    for _ in range(2):  # the service still answers, unharmed
        assert requests.get(f"{sandbox.url}/_status", timeout=10).status_code == 200


@pytest.mark.parametrize("body", ["{not json", b"\xff\xfe", ""])
def test_a_fault_body_that_is_not_json_is_answered_400(sandbox, body):
    answer = post_faults(sandbox, body)
    assert answer.status_code == 400
    assert "not JSON" in answer.json()["message"]
    assert requests.get(f"{sandbox.url}/_status", timeout=10).status_code == 200


def test_a_redirect_fault_answers_a_3xx_with_its_location(sandbox):
    inject(sandbox, service="backdrop", redirect="https://elsewhere.example/data/g/t")
    inject(sandbox, service="backdrop", redirect="/login", status=308, count=1)
    first = requests.get(f"{sandbox.url}/_status", timeout=10, allow_redirects=False)
    assert (first.status_code, first.headers["Location"]) == \
        (302, "https://elsewhere.example/data/g/t")
    second = requests.get(f"{sandbox.url}/_status", timeout=10, allow_redirects=False)
    assert (second.status_code, second.headers["Location"]) == (308, "/login")
    assert requests.get(f"{sandbox.url}/_status", timeout=10).status_code == 200


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


def test_a_simulator_that_raises_still_answers(sandbox, monkeypatch):
    def broken(request):
        raise RuntimeError("simulator bug")

    monkeypatch.setattr(sandbox.service("backdrop"), "handle", broken)
    answer = requests.get(f"{sandbox.url}/_status", timeout=10)
    assert answer.status_code == 500
    assert "RuntimeError: simulator bug" in answer.json()["message"]
