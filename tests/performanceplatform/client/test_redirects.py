"""Writes and Stagecraft reads never follow a redirect: the real CLI against the sandbox.

requests turns a redirected POST into a GET for 301-303 (Backdrop answers the GET 200, so the
run exits 0 having written nothing) and resends the records and the bearer token to the new
URL for 307/308. A redirected Stagecraft read lands on a login page.
"""

from __future__ import annotations

import pytest

from tests.helpers import inject, served, stored
from tests.performanceplatform.collector.test_main import (
    QUERY,
    STAGECRAFT_CONFIG,
    assert_one_line_failure,
)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirected_write_is_an_error_naming_both_urls(sandbox, run_cli, status):
    moved = f"{sandbox.url}/data/g/moved"
    inject(sandbox, service="backdrop", path="/data/g/t", redirect=moved, status=status)
    result = run_cli(QUERY, {})
    assert_one_line_failure(result, f"POST {sandbox.url}/data/g/t answered HTTP {status}",
                            f"redirecting to {moved}", "not followed")
    assert [(r["method"], r["path"]) for r in served(sandbox, "backdrop")] == \
        [("POST", "/data/g/t")]
    assert stored(sandbox, "g", "t") == [] and stored(sandbox, "g", "moved") == []


def test_an_http_backdrop_url_redirected_to_https_says_so(sandbox, run_cli):
    https = sandbox.url.replace("http://", "https://") + "/data/g/t"
    inject(sandbox, service="backdrop", redirect=https, status=301, count=5)
    result = run_cli(QUERY, {})
    assert_one_line_failure(result, f"redirecting to {https}",
                            "backdrop_url is an http:// URL and the server redirects to "
                            "https://: put the https:// URL in backdrop_url")
    assert len(served(sandbox, "backdrop")) == 1


def test_a_redirected_empty_data_set_is_an_error_before_anything_is_posted(sandbox, run_cli):
    inject(sandbox, service="backdrop", redirect="/elsewhere", status=302)
    query = dict(QUERY, options={"empty-data-set": True})
    result = run_cli(query, {})
    assert_one_line_failure(result, "PUT", f"redirecting to {sandbox.url}/elsewhere")
    assert [r["method"] for r in served(sandbox, "backdrop")] == ["PUT"]


def test_a_stagecraft_redirect_to_a_login_page_is_reported_as_such(sandbox, sandbox_config,
                                                                   run_cli):
    sandbox_config.collectors["echo-slug"] = STAGECRAFT_CONFIG
    inject(sandbox, service="stagecraft",
           redirect="/login?next=/collector/echo-slug&Access_Token=s3cr3t-in-location")
    result = run_cli(None, {}, "-l", "echo-slug")
    assert_one_line_failure(result, "stagecraft collector 'echo-slug': Stagecraft redirected",
                            f"GET {sandbox.url}/collector/echo-slug answered HTTP 302",
                            f"redirecting to {sandbox.url}/login?next=/collector/echo-slug"
                            "&Access_Token=***")
    assert "no such collector" not in result.stderr and "s3cr3t" not in result.output
    assert len(served(sandbox)) == 1 and stored(sandbox, "g", "t") == []
