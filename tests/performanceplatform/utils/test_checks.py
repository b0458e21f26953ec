"""``Problems``: each check's wording, and every problem of several files in one error."""

from __future__ import annotations

import pytest

from performanceplatform.utils.checks import Problems, raise_all, where_of
from performanceplatform.utils.errors import ConfigError


def messages(check, *args, **kwargs) -> str:
    problems = Problems("f.json")
    check(problems, *args, **kwargs)
    return problems.message()


@pytest.mark.parametrize("config, expected", [
    ({}, "key 'url': missing"),
    ({"url": ""}, "key 'url': expected a non-empty string, got str"),
    ({"url": None}, "key 'url': expected a non-empty string, got NoneType"),
    ({"url": True}, "key 'url': expected a non-empty string, got bool"),
    ({"url": ["x"]}, "key 'url': expected a non-empty string, got list"),
    ({"url": "x"}, ""),
    ({"url": 5}, ""),
])
def test_text(config, expected):
    assert messages(Problems.text, config, "url") == expected


def test_text_returns_the_value_or_none_and_uses_the_label():
    problems = Problems()
    assert problems.text({"url": "x"}, "url") == "x"
    assert problems.text({"url": 3}, "url") == 3
    assert problems.text({}, "url", "credentials.url") is None
    assert problems.found == [("credentials.url", "missing")]


@pytest.mark.parametrize("config, expected", [
    ({}, ""), ({"chunk-size": 0}, ""), ({"chunk-size": 100}, ""),
    ({"chunk-size": -1}, "key 'options.chunk-size': expected a whole number >= 0 (0: one "
                         "POST), got -1"),
    ({"chunk-size": True}, "key 'options.chunk-size': expected a whole number >= 0 (0: one "
                           "POST), got True"),
    ({"chunk-size": "1" * 50}, "key 'options.chunk-size': expected a whole number >= 0 (0: "
                               "one POST), got '" + "1" * 39),
])
def test_chunk_size(config, expected):
    assert messages(Problems.chunk_size, config) == expected


@pytest.mark.parametrize("config, expected", [
    ({}, ""), ({"x": True}, ""), ({"x": False}, ""),
    ({"x": "true"}, "key 'x': expected true or false, got 'true'"),
    ({"x": None}, "key 'x': expected true or false, got None"),
])
def test_boolean(config, expected):
    assert messages(Problems.boolean, config, "x") == expected


@pytest.mark.parametrize("config, expected", [
    ({}, ""), ({"x": "a"}, ""),
    ({"x": "c"}, "key 'opt.x': expected one of 'a', 'b', got 'c'"),
    ({"x": None}, "key 'opt.x': expected one of 'a', 'b', got None"),
])
def test_one_of(config, expected):
    assert messages(Problems.one_of, config, "x", ["a", "b"], "opt.x") == expected


def test_one_of_returns_the_value():
    assert Problems().one_of({"x": "a"}, "x", {"a": 1}) == "a"
    assert Problems().one_of({}, "x", {"a": 1}) is None


def test_raise_all_names_the_first_file_then_each_other_one():
    first, second, third, clean = Problems("c.json"), Problems("q.json"), Problems(), \
        Problems("x.json")
    first.add("a", "missing")
    first.add("b", "bad")
    second.add("query.c", "missing")
    third.add("d", "odd")
    with pytest.raises(ConfigError) as failure:
        raise_all(clean, first, second, third)
    assert str(failure.value) == ("c.json: key 'a': missing; key 'b': bad; q.json: key "
                                  "'query.c': missing; key 'd': odd")
    assert (failure.value.where, failure.value.key) == ("c.json", "a")
    raise_all(clean)
    clean.raise_if_any()
    with pytest.raises(ConfigError, match="^q.json: key 'query.c': missing$"):
        second.raise_if_any()


def test_where_of():
    assert where_of({"path_to_json_file": "q.json"}, "query") == "q.json"
    assert where_of({"path_to_json_file": ""}, "query") == "query"
    assert where_of({}, "query") == "query"
    assert where_of(["path_to_json_file"], "query") == "query"


def test_unknown_keys_say_what_a_hint_says_else_the_nearest_known_key():
    from performanceplatform.utils.checks import unknown_keys

    problems = Problems("q.json")
    unknown_keys(problems, {"ids": "ga:1", "metrix": [], "metrics": [], "path_to_json_file": "q"},
                 {"metrics", "property"}, hints={"ids": "use 'property'"})
    assert problems.found == [
        ("query.ids", "use 'property'"),
        ("query.metrix", "unknown key (did you mean `metrics`?); known keys: metrics, property"),
    ]
