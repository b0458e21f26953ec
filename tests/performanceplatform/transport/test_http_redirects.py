"""Source requests follow redirects only within their origin: the real CLI against the sandbox.

A redirect to another host would carry what requests does not strip (Pingdom 2.0's
``App-Key`` header, a Matomo ``token_auth`` in a 307/308 POST body) to that host.
"""

from __future__ import annotations

import pytest

from performanceplatform.transport.http import same_origin
from tests.helpers import inject, served, stored
from tests.performanceplatform.collector.pingdom.test_e2e import LEGACY, TOKEN, WINDOW, query


def other_host(sandbox) -> str:
    """The sandbox under another host name: the same server, another origin."""
    return sandbox.url.replace("127.0.0.1", "localhost")


@pytest.mark.parametrize("credentials", [LEGACY, TOKEN], ids=["api-2.0", "api-3.1"])
def test_a_source_redirect_to_another_host_is_refused_naming_both(sandbox, run_cli,
                                                                  credentials):
    path = "/api.pingdom.com/api/3.1/checks" if credentials is TOKEN else \
        "/api.pingdom.com/api/2.0/checks"
    moved = f"{other_host(sandbox)}{path}"
    inject(sandbox, service="pingdom", redirect=moved, status=307)
    result = run_cli(query(), credentials, *WINDOW)
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert f"GET {sandbox.url}{path} answered HTTP 307 redirecting to {moved}" in line
    assert "another host: not followed" in line
    assert len(served(sandbox, "pingdom")) == 1  # the redirect was not followed
    assert stored(sandbox, "govuk", "monitoring") == []
    assert "appkey-123456" not in result.output and "pingdom-api-token-123" not in result.output


def test_a_redirect_within_the_source_host_is_followed(sandbox, run_cli):
    inject(sandbox, service="pingdom", status=302,
           redirect="/api.pingdom.com/api/3.1/checks?moved=1")
    result = run_cli(query(), TOKEN, *WINDOW)
    assert result.code == 0, result.stderr
    assert [r["path"] for r in served(sandbox, "pingdom")][:2] == \
        ["/api.pingdom.com/api/3.1/checks"] * 2
    assert len(stored(sandbox, "govuk", "monitoring")) == 5


@pytest.mark.parametrize("url, location, same", [
    ("https://a.example/x", "https://a.example/y", True),
    ("https://a.example/x", "https://a.example:443/y", True),  # the default port, written
    ("https://a.example/x", "https://a.example:8443/y", False),
    ("https://a.example/x", "https://b.example/x", False),
    ("https://a.example/x", "http://a.example/x", False),  # a downgrade
    ("http://a.example/x", "https://a.example/x", True),  # the usual upgrade
    ("http://a.example:8080/x", "https://a.example/x", False),
    ("http://127.0.0.1:5000/x", "http://127.0.0.1:5001/x", False),
])
def test_same_origin(url, location, same):
    assert same_origin(url, location) is same
