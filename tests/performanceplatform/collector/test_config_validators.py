"""The config checks called on their own (Stagecraft's in-process callers use them too)."""

from __future__ import annotations

import pytest

from performanceplatform.collector.config import (
    validate_entrypoint,
    validate_query,
    validate_targets,
)
from performanceplatform.utils.errors import ConfigError


def test_validate_entrypoint_returns_it_or_names_the_fallback():
    assert validate_entrypoint({"entrypoint": "a.b"}) == "a.b"
    with pytest.raises(ConfigError, match="^query config: key 'entrypoint': missing$"):
        validate_entrypoint({})
    with pytest.raises(ConfigError, match="^my-slug: key 'entrypoint': expected a non-empty"):
        validate_entrypoint({"entrypoint": ""}, "my-slug")


def test_validate_query_of_something_that_is_not_an_object():
    with pytest.raises(ConfigError) as failure:
        validate_query(["x"])
    assert str(failure.value) == ("query config: key 'data-set': missing; key 'query': "
                                  "missing; key 'options': missing")


def test_validate_targets_names_each_config_without_a_file():
    with pytest.raises(ConfigError, match="^token config: key 'token': expected a non-empty "):
        validate_targets({"token": ""}, {"backdrop_url": "http://b"})
    with pytest.raises(ConfigError, match="^performanceplatform config: key 'backdrop_url': "
                                          "missing$"):
        validate_targets({"token": "t0k3n"}, {})


def refused(check, *args) -> str:
    """The one error line a config check raises."""
    with pytest.raises(ConfigError) as failure:
        check(*args)
    return str(failure.value)


def query_with(**data_set) -> dict:
    return {"data-set": {"data-group": "g", "data-type": "t", **data_set}, "query": {},
            "options": {}, "path_to_json_file": "/etc/q.json"}


@pytest.mark.parametrize("key", ["data-group", "data-type"])
@pytest.mark.parametrize("value", ["../../_sandbox/reset", "Browsers", "a b", "a/b", "é"])
def test_a_data_set_name_outside_backdrops_alphabet_names_the_file_key_and_value(key, value):
    assert refused(validate_query, query_with(**{key: value})) == (
        f"/etc/q.json: key 'data-set.{key}': expected lower-case letters, digits, '-' and '_' "
        f"only, got {value!r}")


def test_a_long_bad_data_set_name_is_cut_to_60_characters():
    value = "A" * 100
    assert refused(validate_query, query_with(**{"data-type": value})).endswith(
        f"got '{'A' * 59}")


def test_production_style_data_set_names_pass():
    validate_query(query_with(**{"data-group": "carers-allowance",
                                 "data-type": "journey_by_device-2"}))


def test_both_bad_names_are_reported_in_one_line():
    assert refused(validate_query, query_with(**{"data-group": "G", "data-type": ""})) == (
        "/etc/q.json: key 'data-set.data-group': expected lower-case letters, digits, '-' and "
        "'_' only, got 'G'; key 'data-set.data-type': expected a non-empty string, got str ''")


def test_a_query_without_a_file_names_the_fallback():
    query = query_with(**{"data-type": "T"})
    del query["path_to_json_file"]
    assert refused(validate_query, query, "stagecraft collector 'x'").startswith(
        "stagecraft collector 'x': key 'data-set.data-type': ")


@pytest.mark.parametrize("store, message", [
    ("localhost/data", "--store: expected an http:// or https:// URL (a Backdrop), "
                       "sqlite:///FILE, postgresql://…, jsonl:///FILE or - (standard output), "
                       "got 'localhost/data'"),
    ("sqlite:///no-such-folder/x.db", "--store: 'sqlite:///no-such-folder/x.db': the folder "
                                      "'no-such-folder' does not exist"),
])
def test_a_bad_store_option_is_refused_naming_the_option(store, message):
    assert refused(validate_targets, {"token": "t0k3n"}, {"backdrop_url": "http://b"},
                   store) == message


def test_the_store_option_wins_over_backdrop_url_and_a_local_store_needs_no_token(tmp_path):
    store = f"sqlite:///{tmp_path}/x.db"
    assert validate_targets(None, {"backdrop_url": "ftp://not-checked"}, store) == store
    assert validate_targets({"token": "t0k3n"}, {}, "http://other/data") == "http://other/data"


def test_a_backdrop_store_option_still_needs_the_token():
    assert refused(validate_targets, None, None, "http://b/data") == "-t/--token: key 'token': " \
                                                                     "missing"


def test_a_bad_backdrop_url_names_the_file_and_key():
    pp = {"backdrop_url": "ftp://b/d", "path_to_json_file": "/etc/pp.json"}
    assert refused(validate_targets, {"token": "t0k3n"}, pp) == (
        "/etc/pp.json: key 'backdrop_url': expected an http:// or https:// URL (a Backdrop), "
        "sqlite:///FILE, postgresql://…, jsonl:///FILE or - (standard output), got 'ftp://b/d'")


def test_configs_that_are_not_objects_name_the_option():
    assert refused(validate_targets, {"token": "t0k3n"}, ["http://b"]) == (
        "-b/--performanceplatform: key 'backdrop_url': missing")
    assert refused(validate_targets, "t0k3n", {"backdrop_url": "http://b"}) == (
        "-t/--token: key 'token': missing")


def test_targets_give_backdrop_url_when_there_is_no_store_option():
    token = {"token": "t0k3n", "path_to_json_file": "/etc/t.json"}
    assert validate_targets(token, {"backdrop_url": "https://b/data"}) == "https://b/data"
    assert refused(validate_targets, dict(token, token=5), {"backdrop_url": "https://b"}) == (
        "/etc/t.json: key 'token': expected a non-empty string, got int 5")
