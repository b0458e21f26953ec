"""Collector configs fetched from Stagecraft by slug, against the sandbox's Stagecraft."""

from __future__ import annotations

import pytest

from performanceplatform.utils.collector import get_config, stagecraft_to_query
from performanceplatform.utils.errors import ConfigError, SinkError
from tests.helpers import OMNISCIENT_TOKEN, inject

COLLECTOR = {"slug": "foo", "entry_point": "tests.collectors.echo", "query": {"a": 1},
             "options": {"chunk-size": 2},
             "data_set": {"data_group": "g", "data_type": "t", "bearer_token": "bearer-x"},
             "provider": {"slug": "echo-provider"}}


def pp(sandbox, **changes) -> dict:
    config = {"stagecraft_url": sandbox.url, "omniscient_api_token": OMNISCIENT_TOKEN,
              "path_to_json_file": "pp.json"}
    config.update(changes)
    return {k: v for k, v in config.items() if v is not None}


def test_the_stagecraft_config_becomes_a_query_file(sandbox, sandbox_config):
    sandbox_config.collectors["foo"] = COLLECTOR
    assert get_config("foo", pp(sandbox)) == {
        "query": {"a": 1}, "options": {"chunk-size": 2},
        "data-set": {"data-group": "g", "data-type": "t", "bearer_token": "bearer-x"},
        "entrypoint": "tests.collectors.echo", "token": "echo-provider",
    }


@pytest.mark.parametrize("key", ["stagecraft_url", "omniscient_api_token"])
@pytest.mark.parametrize("value", [None, "", 5])
def test_stagecraft_url_and_token_are_required(sandbox, key, value):
    with pytest.raises(ConfigError) as failure:
        get_config("foo", pp(sandbox, **{key: value}))
    assert str(failure.value) == \
        f"pp.json: key '{key}': missing (needed to fetch a collector config with -l)"
    assert failure.value.key == key


def test_without_a_file_the_config_is_named(sandbox):
    with pytest.raises(ConfigError) as failure:
        get_config("foo", {"omniscient_api_token": OMNISCIENT_TOKEN})
    assert str(failure.value).startswith("performanceplatform config: key 'stagecraft_url'")


@pytest.mark.parametrize("token, slug, reason", [
    ("wrong", "foo", "the omniscient_api_token was refused: "),
    (OMNISCIENT_TOKEN, "nope", "no such collector: "),
])
def test_stagecraft_refusals_say_why(sandbox, sandbox_config, token, slug, reason):
    sandbox_config.collectors["foo"] = COLLECTOR
    with pytest.raises(SinkError) as failure:
        get_config(slug, pp(sandbox, omniscient_api_token=token))
    message = str(failure.value)
    assert message.startswith(f"stagecraft collector '{slug}': {reason}GET {sandbox.url}"
                              f"/collector/{slug} answered HTTP")
    assert failure.value.url == f"{sandbox.url}/collector/{slug}"


def test_a_token_without_permission(sandbox, sandbox_config):
    inject(sandbox, service="stagecraft", status=403, count=1)
    with pytest.raises(SinkError) as failure:
        get_config("foo", pp(sandbox))
    assert str(failure.value).startswith(
        "stagecraft collector 'foo': the omniscient_api_token lacks permission: GET")
    assert failure.value.status == 403


def test_another_failure_has_no_reason(sandbox):
    inject(sandbox, service="stagecraft", status=418, count=1)
    with pytest.raises(SinkError) as failure:
        get_config("foo", pp(sandbox))
    assert str(failure.value).startswith(f"stagecraft collector 'foo': GET {sandbox.url}/")
    assert failure.value.status == 418


@pytest.mark.parametrize("answer, message", [
    ([], "stagecraft collector 's': Stagecraft's answer is not a JSON object"),
    ({"provider": {}}, "stagecraft collector 's': key 'data_set': missing or not an object"),
    ({"data_set": {}, "provider": "x"},
     "stagecraft collector 's': key 'provider': missing or not an object"),
])
def test_stagecraft_answers_of_the_wrong_shape(answer, message):
    with pytest.raises(ConfigError) as failure:
        stagecraft_to_query(answer, "s")
    assert str(failure.value) == message


def test_missing_fields_become_none():
    assert stagecraft_to_query({"data_set": {}, "provider": {}}, "s") == {
        "query": None, "options": None, "entrypoint": None, "token": None,
        "data-set": {"data-group": None, "data-type": None, "bearer_token": None}}


def test_an_answer_that_is_not_an_object_names_the_slug(sandbox, sandbox_config):
    sandbox_config.collectors["odd"] = ["not", "an", "object"]
    with pytest.raises(ConfigError) as failure:
        get_config("odd", pp(sandbox))
    assert str(failure.value) == "stagecraft collector 'odd': Stagecraft's answer is not a " \
                                 "JSON object"
