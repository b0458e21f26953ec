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
