"""``warn_unknown_keys``: one WARNING line per query or options key the collector does not
read, naming the file, the section, the collector and the nearest known key."""

from __future__ import annotations

import logging

from performanceplatform.collector.config import warn_unknown_keys
from performanceplatform.collector.entrypoints import Collector

COLLECTOR = Collector(name="tests.some_collector", main=lambda *args: None,
                      query_keys=frozenset({"metrics", "dimensions"}),
                      option_keys=frozenset({"chunk-size", "idMapping"}))


def warnings(caplog, collector=COLLECTOR, query=None, options=None) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        warn_unknown_keys(collector, query, options, "q.json")
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_each_unknown_key_is_one_line(caplog):
    assert warnings(caplog, query={"metrics": [], "metircs": [], "zzz": 1},
                    options={"chunk-size": 2, "idMaping": ["a"],
                             "path_to_json_file": "q.json"}) == [
        "q.json: unknown key 'query.metircs': not one that tests.some_collector reads "
        "(did you mean `metrics`?)",
        "q.json: unknown key 'query.zzz': not one that tests.some_collector reads",
        "q.json: unknown key 'options.idMaping': not one that tests.some_collector reads "
        "(did you mean `idMapping`?)",
    ]


def test_query_keys_are_not_checked_when_the_collector_does_not_declare_them(caplog):
    undeclared = Collector(name="x", main=COLLECTOR.main, query_keys=None,
                           option_keys=COLLECTOR.option_keys)
    assert warnings(caplog, undeclared, query={"anything": 1}, options={"zzz": 1}) == [
        "q.json: unknown key 'options.zzz': not one that x reads"]


def test_sections_that_are_not_objects_are_skipped(caplog):
    assert warnings(caplog, query=["metircs"], options={"zzz": 1}) == [
        "q.json: unknown key 'options.zzz': not one that tests.some_collector reads"]
    assert warnings(caplog, query={"zzz": 1}, options="zzz") == [
        "q.json: unknown key 'query.zzz': not one that tests.some_collector reads"]
