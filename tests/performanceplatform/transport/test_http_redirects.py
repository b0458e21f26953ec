"""Source requests follow redirects only within their origin: the real CLI against the sandbox.

A redirect to another host would carry what requests does not strip (Pingdom 2.0's
``App-Key`` header, a Matomo ``token_auth`` in a 307/308 POST body) to that host.
"""

from __future__ import annotations

import pytest
import requests

from performanceplatform.transport import http
from performanceplatform.transport.http import same_origin
from performanceplatform.utils.errors import SourceError
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


# -- the same, in-process (so that `make mutation` sees it) ---------------------------------------

ANOTHER_HOST = ", another host: not followed (a source's redirects are followed only within " \
    "its own host)"


def test_in_process_a_redirect_to_another_host_is_refused_naming_both(sandbox):
    moved = f"{other_host(sandbox)}/data/g/moved"
    url = f"{sandbox.url}/data/g/t?token_auth=s3cr3t"
    shown = f"{sandbox.url}/data/g/t?token_auth=***"
    session = http.make_session({"App-Key": "appkey-123"})
    made = http.CollectorSession()  # made directly, it refuses too
    for send in (lambda: session.post(url, json=[{"_id": "a"}]),
                 lambda: made.post(url, json=[{"_id": "a"}]),
                 lambda: session.send(session.prepare_request(requests.Request("POST", url)))):
        inject(sandbox, service="backdrop", redirect=moved, status=307)
        with pytest.raises(SourceError) as failure:
            send()
        assert str(failure.value) == \
            f"POST {shown} answered HTTP 307 redirecting to {moved}{ANOTHER_HOST}"
        assert (failure.value.url, failure.value.status) == (shown, 307)
    assert [r["path"] for r in served(sandbox, "backdrop")] == ["/data/g/t"] * 3


def test_in_process_a_chain_that_leaves_the_host_on_its_second_hop_is_refused(sandbox):
    moved = f"{other_host(sandbox)}/_status"
    inject(sandbox, service="backdrop", redirect=f"{sandbox.url}/_status?hop=1", status=302)
    inject(sandbox, service="backdrop", redirect=moved, status=302)
    with pytest.raises(SourceError) as failure:
        http.make_session().get(f"{sandbox.url}/_status")
    assert str(failure.value) == (f"GET {sandbox.url}/_status?hop=1 answered HTTP 302 "
                                  f"redirecting to {moved}{ANOTHER_HOST}")
    assert len(served(sandbox, "backdrop")) == 2


def test_in_process_a_redirect_within_the_host_is_followed(sandbox):
    inject(sandbox, service="backdrop", redirect="/_status?moved=1", status=302)
    response = http.make_session().get(f"{sandbox.url}/_status")
    assert response.status_code == 200 and response.url == f"{sandbox.url}/_status?moved=1"
    assert [r.status_code for r in response.history] == [302]


def test_in_process_a_session_without_secrets_follows_any_redirect(sandbox):
    moved = f"{other_host(sandbox)}/_status"
    inject(sandbox, service="backdrop", redirect=moved, status=302)
    response = http.make_session(any_redirect=True).get(f"{sandbox.url}/_status")
    assert response.status_code == 200 and response.url == moved


def test_in_process_a_redirect_not_followed_is_the_callers_to_report(sandbox):
    """Writes ask not to follow (the Backdrop client names the redirect itself): the answer
    is returned as it is, whatever the host of its ``Location``."""
    moved = f"{other_host(sandbox)}/_status"
    inject(sandbox, service="backdrop", redirect=moved, status=307)
    response = http.make_session().get(f"{sandbox.url}/_status", allow_redirects=False)
    assert (response.status_code, response.headers["Location"]) == (307, moved)
    assert response.next is not None and response.next.url == moved
    assert len(served(sandbox, "backdrop")) == 1
