"""A 3xx from Backdrop or Stagecraft is an error naming both URLs, called in-process (so that
``make mutation`` sees it; ``test_redirects.py`` runs the same through the real CLI)."""

from __future__ import annotations

import pytest

from performanceplatform.client import CollectorAPI
from performanceplatform.utils.errors import SinkError
from tests.helpers import OMNISCIENT_TOKEN, inject, served, stored
from tests.performanceplatform.client.test_data_set import RECORD, data_set

NOT_FOLLOWED = "not followed (writes and Stagecraft reads never follow a redirect)"


def refused(call) -> SinkError:
    with pytest.raises(SinkError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("status", [301, 303, 307])
def test_a_redirected_post_names_both_urls_and_writes_nothing(sandbox, status):
    moved = f"{sandbox.url}/data/group/moved"
    inject(sandbox, service="backdrop", redirect=moved, status=status)
    error = refused(lambda: data_set(sandbox).post([RECORD]))
    url = f"{sandbox.url}/data/group/type"
    assert str(error) == f"POST {url} answered HTTP {status} redirecting to {moved}: {NOT_FOLLOWED}"
    assert (error.url, error.status) == (url, status)
    assert len(served(sandbox, "backdrop")) == 1
    assert stored(sandbox, "group", "type") == [] and stored(sandbox, "group", "moved") == []


def test_a_relative_location_is_shown_in_full_with_its_secrets_masked(sandbox):
    inject(sandbox, service="backdrop", redirect="/login?next=/data&access_token=s3cr3t",
           status=302)
    error = refused(lambda: data_set(sandbox).post([RECORD]))
    assert f"redirecting to {sandbox.url}/login?next=/data&access_token=***: " in str(error)
    assert "s3cr3t" not in str(error)


def test_a_redirect_without_location_says_so(sandbox):
    inject(sandbox, service="backdrop", status=302)
    error = refused(lambda: data_set(sandbox).post([RECORD]))
    assert str(error) == (f"POST {sandbox.url}/data/group/type answered HTTP 302 redirecting "
                          f"to no Location: {NOT_FOLLOWED}")


def test_an_http_backdrop_url_sent_to_https_names_the_setting(sandbox):
    https = sandbox.url.replace("http://", "https://") + "/data/group/type"
    inject(sandbox, service="backdrop", redirect=https, status=301)
    error = refused(lambda: data_set(sandbox).post([RECORD]))
    assert str(error).endswith(f"redirecting to {https}: {NOT_FOLLOWED}; backdrop_url is an "
                               "http:// URL and the server redirects to https://: put the "
                               "https:// URL in backdrop_url")


def test_a_redirected_stagecraft_read_names_the_urls(sandbox):
    inject(sandbox, service="stagecraft", redirect=f"{sandbox.url}/elsewhere", status=302)
    error = refused(lambda: CollectorAPI(sandbox.url, OMNISCIENT_TOKEN).get_collector("foo"))
    assert str(error).startswith(f"GET {sandbox.url}/collector/foo answered HTTP 302 "
                                 f"redirecting to {sandbox.url}/elsewhere: {NOT_FOLLOWED}")
    assert "stagecraft_url" not in str(error)
