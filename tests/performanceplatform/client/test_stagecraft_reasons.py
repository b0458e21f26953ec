"""Which Stagecraft failures get a reason in front of the error line: every 3xx, and only
those, is a redirect (see also test_collector.py)."""

from __future__ import annotations

import socket

import pytest

from performanceplatform.utils.collector import get_config
from performanceplatform.utils.errors import SinkError
from tests.helpers import inject
from tests.performanceplatform.utils.test_collector import pp

REDIRECTED = "Stagecraft redirected the request instead of answering (to a login page?): "


def failure(slug: str, config: dict) -> SinkError:
    with pytest.raises(SinkError) as caught:
        get_config(slug, config)
    return caught.value


@pytest.mark.parametrize("status", [300, 302, 399])
def test_every_3xx_is_reported_as_a_redirect(sandbox, status):
    inject(sandbox, service="stagecraft", status=status, count=1)
    error = failure("foo", pp(sandbox))
    assert str(error).startswith(f"stagecraft collector 'foo': {REDIRECTED}GET {sandbox.url}"
                                 f"/collector/foo answered HTTP {status} redirecting to ")
    assert error.status == status


def test_a_400_has_no_reason(sandbox):
    inject(sandbox, service="stagecraft", status=400, count=1)
    error = failure("foo", pp(sandbox))
    assert str(error).startswith(f"stagecraft collector 'foo': GET {sandbox.url}/collector/foo "
                                 "answered HTTP 400")


def test_an_unreachable_stagecraft_has_no_reason(sandbox):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    error = failure("foo", pp(sandbox, stagecraft_url=f"http://127.0.0.1:{port}"))
    assert error.status is None
    assert str(error).startswith("stagecraft collector 'foo': ")
    assert "redirected" not in str(error) and "no such collector" not in str(error)
