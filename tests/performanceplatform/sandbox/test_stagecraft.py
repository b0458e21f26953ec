"""The Stagecraft double serves collector configs from a folder (spec core.md §1.6)."""

from __future__ import annotations

import json

import requests

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.stagecraft import Stagecraft
from tests.helpers import OMNISCIENT_TOKEN


def get(sandbox, path, token=OMNISCIENT_TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(sandbox.url + path, headers=headers, timeout=10)


def test_collectors_from_a_folder(tmp_path):
    (tmp_path / "my-slug.json").write_text(json.dumps({"slug": "my-slug"}))
    service = Stagecraft(SandboxConfig(collectors_dir=str(tmp_path)))
    assert service.collectors() == {"my-slug": {"slug": "my-slug"}}


def test_answers_and_refusals(sandbox, sandbox_config):
    sandbox_config.collectors["known"] = {"slug": "known"}
    assert get(sandbox, "/collector/known").json() == {"slug": "known"}
    missing = get(sandbox, "/collector/unknown")
    assert missing.status_code == 404 and missing.json()["message"] == "model not found"
    refused = get(sandbox, "/collector/known", token="nope")
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    assert get(sandbox, "/collector/known", token=None).status_code == 403
