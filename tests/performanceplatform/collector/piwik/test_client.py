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


def refusal(credentials, **params) -> SourceError:
    with pytest.raises(SourceError) as caught:
        PiwikClient(credentials).call(dict(PARAMS, **params))
    return caught.value


def test_a_refused_token_is_a_401_naming_the_url_and_the_key_not_the_token(credentials):
    error = refusal(dict(credentials, token_auth="bad-token", token_in_url=True,
                         path_to_json_file="/etc/pp/matomo.json"))
    assert error.status == 401
    message = str(error)
    assert "answered HTTP 401: You can't access" in message
    assert "token was refused: check 'token_auth' in /etc/pp/matomo.json" in message
    assert "view access to idSite 3" in message
    assert "piwik.example.service.gov.uk/index.php" in message
    assert "token_auth=***" in message and "bad-token" not in message


def test_a_token_refused_by_an_older_matomo_with_200_gets_the_same_hint(credentials,
                                                                        service_settings):
    service_settings("piwik")["version"] = "4.16.1"
    error = refusal(dict(credentials, token_auth="bad-token"))
    assert error.status == 200
    assert "answered an error: You can't access" in str(error)
    assert "token was refused: check 'token_auth' in the credentials" in str(error)
    assert "bad-token" not in str(error)


def test_a_missing_token_is_refused_too(credentials):
    error = refusal(dict(credentials, token_auth=""))
    assert error.status == 401 and "token was refused" in str(error)


def test_an_unknown_method_is_a_400_pointing_at_the_query(credentials):
    error = refusal(credentials, method="DevicesDetection.browsers")
    assert error.status == 400
    assert "answered HTTP 400: The method 'DevicesDetection.browsers' does not exist" in \
        str(error)
    assert "check query.api_method" in str(error) and "token" not in str(error)


def test_an_unknown_method_before_matomo_5_2_is_an_error_with_200(credentials,
                                                                   service_settings):
    service_settings("piwik")["version"] = "5.1.0"
    error = refusal(credentials, method="DevicesDetection.browsers")
    assert error.status == 200
    assert "answered an error: The method 'DevicesDetection.browsers'" in str(error)
    assert "token was refused" not in str(error)


def test_an_error_without_matomos_envelope_is_named_by_its_status(sandbox, credentials):
    inject(sandbox, service="piwik", status=401, body="<html>Login</html>", count=1)
    error = refusal(credentials)
    assert error.status == 401
    assert "answered HTTP 401: <html>Login</html> (the token was refused" in str(error)


def test_a_post_only_token_is_refused_in_the_url_but_works_by_post(credentials):
    credentials["token_auth"] = "post-only-token"
    assert PiwikClient(credentials).call(PARAMS)
    error = refusal(dict(credentials, token_in_url=True))
    assert error.status == 401 and "only be used in a POST" in str(error)
    assert "set 'token_in_url' to false" in str(error)
