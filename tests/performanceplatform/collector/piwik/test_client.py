"""The Piwik/Matomo client against the simulated Matomo (spec sources.md §7.3 17–18)."""

import pytest

from performanceplatform.collector.piwik.client import PiwikClient, api_url, token_in_url
from performanceplatform.utils.errors import SourceError
from tests.helpers import inject, served

CREDENTIALS = {"token_auth": "piwik-token-0123", "url": ""}
PARAMS = {"method": "DevicesDetection.getBrowsers", "idSite": "3", "format": "json",
          "period": "day", "date": "2018-08-01,2018-08-02"}


@pytest.fixture
def credentials(sandbox, monkeypatch):
    monkeypatch.setenv("PP_COLLECTOR_BACKOFF_SCALE", "0")
    monkeypatch.delenv("PP_COLLECTOR_PIWIK_TOKEN_IN_URL", raising=False)
    return dict(CREDENTIALS, url=f"{sandbox.url}/piwik.example.service.gov.uk/index.php")


def test_the_api_url_is_built_as_before():
    assert api_url("http://bar.com") == "http://bar.com?module=API"
    assert api_url("http://bar.com/index.php?x=1") == "http://bar.com/index.php?x=1&module=API"


def test_token_mode(monkeypatch):
    monkeypatch.delenv("PP_COLLECTOR_PIWIK_TOKEN_IN_URL", raising=False)
    assert token_in_url({}) is False
    monkeypatch.setenv("PP_COLLECTOR_PIWIK_TOKEN_IN_URL", "1")
    assert token_in_url({}) is True
    assert token_in_url({"token_in_url": False}) is False


def test_the_token_goes_in_a_post_body_by_default(sandbox, credentials):
    answer = PiwikClient(credentials).call(PARAMS)
    assert set(answer) == {"2018-08-01", "2018-08-02"}  # 17: the decoded JSON
    request = served(sandbox, "piwik")[-1]
    assert request["method"] == "POST"
    assert "token_auth" not in dict(request["query"])
    assert dict(request["query"])["module"] == "API"
    assert request["content_type"] == "application/x-www-form-urlencoded"


def test_token_in_url_sends_a_get_as_the_original(sandbox, credentials):
    PiwikClient(dict(credentials, token_in_url=True)).call(PARAMS)
    request = served(sandbox, "piwik")[-1]
    assert request["method"] == "GET"
    assert dict(request["query"])["token_auth"] == "piwik-token-0123"


def test_an_http_error_raises(sandbox, credentials):  # 18
    inject(sandbox, service="piwik", status=400, count=1)
    with pytest.raises(SourceError, match="HTTP 400"):
        PiwikClient(credentials).call(PARAMS)


def test_an_error_answered_with_200_is_an_error_naming_the_url_not_the_token(credentials):
    credentials["token_auth"] = "bad-token"
    with pytest.raises(SourceError, match="answered an error: You can't access") as caught:
        PiwikClient(dict(credentials, token_in_url=True)).call(PARAMS)
    assert "bad-token" not in str(caught.value)
    assert "token_auth=***" in str(caught.value)
    assert "piwik.example.service.gov.uk/index.php" in str(caught.value)


def test_a_post_only_token_is_refused_in_the_url_but_works_by_post(credentials):
    credentials["token_auth"] = "post-only-token"
    assert PiwikClient(credentials).call(PARAMS)
    with pytest.raises(SourceError, match="only be used in a POST"):
        PiwikClient(dict(credentials, token_in_url=True)).call(PARAMS)
