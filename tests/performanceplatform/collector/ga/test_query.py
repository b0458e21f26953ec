"""How core query keys become Core Reporting parameters (gapy's rules) and how they are checked."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.ga.query import ga_prefixed, joined, parse_core_query
from performanceplatform.utils.errors import ConfigError


@pytest.mark.parametrize("name, sent", [
    ("foo", "ga:foo"), ("ga:foo", "ga:foo"), ("-foo", "-ga:foo"), ("-ga:foo", "-ga:foo"),
])
def test_ga_prefix_rule(name, sent):
    assert ga_prefixed(name) == sent


def test_only_the_start_of_each_filter_is_prefixed():
    assert joined(["browser=~C;ga:x!=y", "-foo"]) == "ga:browser=~C;ga:x!=y,-ga:foo"


def test_every_key_maps_to_its_parameter():
    request, frequency = parse_core_query({
        "id": "ga:123", "metrics": ["sessions", "avgSessionDuration"],
        "dimensions": ["date", "browser"], "filters": ["browser=~C;ga:x!=y", "-foo"],
        "sort": ["-sessions"], "maxResults": 0, "segment": "gaid::-1"})
    params = request.for_period(dt.date(2013, 4, 1), dt.date(2013, 4, 7)).params()
    assert frequency == "weekly"
    assert params == {
        "ids": "ga:123", "start-date": "2013-04-01", "end-date": "2013-04-07",
        "metrics": "ga:sessions,ga:avgSessionDuration", "dimensions": "ga:date,ga:browser",
        "filters": "ga:browser=~C;ga:x!=y,-ga:foo", "sort": "-ga:sessions",
        "segment": "gaid::-1", "alt": "json"}


def test_empty_optional_keys_are_left_out_and_strings_are_lists():
    request, _ = parse_core_query({"id": "123", "metrics": "visits", "filters": "a==b",
                                   "sort": [], "maxResults": 100})
    params = request.for_period(dt.date(2013, 4, 1), dt.date(2013, 4, 1)).params()
    assert params == {"ids": "ga:123", "start-date": "2013-04-01", "end-date": "2013-04-01",
                      "metrics": "ga:visits", "filters": "ga:a==b", "max-results": "100",
                      "alt": "json"}


def test_every_ga_is_removed_from_the_id_then_one_is_added_back():
    request, _ = parse_core_query({"id": "ga:ga:42", "metrics": ["visits"]})
    assert request.ids == "42"


def test_every_problem_is_reported_at_once():
    with pytest.raises(ConfigError) as caught:
        parse_core_query({"dimensions": ["ok", ""], "maxResults": "ten",
                          "frequency": "hourly"})
    message = str(caught.value)
    for key in ("query.id", "query.metrics", "query.dimensions", "query.maxResults",
                "query.frequency"):
        assert key in message
