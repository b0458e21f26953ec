"""Parsing plugin strings and running the pipeline (ga.md §8, §16.5, example #45)."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.plugins import (
    AggregateKey,
    Comment,
    ComputeDepartmentKey,
    ComputeIdFrom,
    PluginError,
    load_plugin,
    run_plugins,
)

UTC = dt.timezone.utc


def test_45_load_plugin():
    assert isinstance(load_plugin('ComputeDepartmentKey("customVarValue9")'),
                      ComputeDepartmentKey)
    plugin = load_plugin('AggregateKey(aggregate_count("visits"),    '
                         'aggregate_rate("rate", "visits"))')
    assert isinstance(plugin, AggregateKey)
    assert [field for field, _ in plugin.aggregations] == ["visits", "rate"]


def test_45_bare_expressions_are_refused_not_evaluated():
    # the original eval-ed strings, so "1" gave 1; here it is a configuration error
    with pytest.raises(ConfigError, match="'1'"):
        load_plugin("1")


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("ComputeIdFrom('_timestamp', 'timeSpan', 'dataType', 'department', )",
         ("_timestamp", "timeSpan", "dataType", "department")),
        ('ComputeIdFrom("_timestamp", "department", "userType")',
         ("_timestamp", "department", "userType")),
        ("  ComputeIdFrom('a')  ", ("a",)),
        ("ComputeIdFrom(u'a')", ("a",)),
        ("ComputeIdFrom( 'a' ,\n\t\"b\" )", ("a", "b")),
    ],
)
def test_accepted_forms(text, fields):
    plugin = load_plugin(text)
    assert isinstance(plugin, ComputeIdFrom)
    assert plugin.fields == fields


def test_accepted_forms_of_every_plugin_keep_their_arguments():
    assert load_plugin("RemoveKey('_id', \"humanId\", )").keys == ("_id", "humanId")
    assert load_plugin("ComputeRank( 'rank' )").name == "rank"
    assert load_plugin("ComputeDepartmentKey('customVarValue9',)").key == "customVarValue9"
    assert load_plugin("SetDepartment(\"<D1>\")").department == "attorney-generals-office"
    assert load_plugin("Comment('a, b', \"c\")").args == ("a, b", "c")


def test_aggregate_key_arguments_are_parsed_in_order():
    plugin = load_plugin("AggregateKey(aggregate_count('visits'),    "
                         "aggregate_rate(\"rate\", 'visits'), )")
    assert [field for field, _ in plugin.aggregations] == ["visits", "rate"]
    docs = [{"k": 1, "visits": 1, "rate": 10.0}, {"k": 1, "visits": 3, "rate": 2.0}]
    assert plugin(docs) == [{"k": 1, "visits": 4, "rate": 4.0}]  # (10*1 + 2*3) / 4


def test_numbers_are_literals_too():
    assert load_plugin("Comment(1, -2.5, 'x')").args == (1, -2.5, "x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ComputeIdFrom('a'", "cannot parse"),
        ("__import__('os').system('true')", "not a call"),
        ("Evil('a')", "unknown plugin 'Evil'"),
        ("ComputeIdFrom(field='a')", "keyword"),
        ("ComputeIdFrom(open('x'))", "arguments must be"),
        ("ComputeIdFrom(a)", "arguments must be"),
        ("ComputeIdFrom(*['a'])", "arguments must be"),
        ("ComputeRank()", "bad arguments"),
        ("AggregateKey(aggregate_count())", "bad arguments"),
        ("AggregateKey('visits')", "aggregate_count"),
    ],
)
def test_malformed_plugins_are_config_errors_naming_the_string(text, message):
    with pytest.raises(PluginError, match=message) as raised:
        load_plugin(text)
    assert "options.plugins" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_non_string_plugin():
    with pytest.raises(ConfigError):
        load_plugin(42)


def test_last_plugin_must_be_compute_id_from():
    with pytest.raises(RuntimeError, match="Last plugin must be `ComputeIdFrom` for now") as raised:
        run_plugins(["ComputeIdFrom('a')", "Comment('x')"], [{"a": 1}])
    assert isinstance(raised.value, ConfigError)


def test_last_plugin_check_is_a_literal_prefix_and_comes_first():
    with pytest.raises(RuntimeError):
        run_plugins([" ComputeIdFrom('a')"], [])
    with pytest.raises(RuntimeError):  # not "cannot parse": checked before loading
        run_plugins(["Broken(", "Comment()"], [])


def test_pipeline_in_order():
    docs = [{"a": 2, "b": "x", "_id": "old", "humanId": "old"}, {"a": 1, "b": "y"}]
    result = run_plugins(["Comment('rank after')", "ComputeRank('rank')",
                          "ComputeIdFrom('b', 'rank')"], docs)
    assert [doc["humanId"] for doc in result] == ["x_1", "y_2"]
    assert result[0]["_id"] == "eF8x"


def test_empty_plugin_list_changes_nothing():
    assert run_plugins([], [{"a": 1}]) == [{"a": 1}]


def test_department_table_from_options(departments_file):
    docs = [{"cv": "<D1><EA34>"}]
    result = run_plugins(["ComputeDepartmentKey('cv')", "ComputeIdFrom('department')"], docs,
                         options={"departments-file": str(departments_file)})
    assert result[0]["humanId"] == "ago"  # the named file, not the shipped table


def test_golden_department_rank_pipeline(departments):
    # edge--ga-plugins-department-rank, week of 2018-07-16: (customVarValue9, department)
    values = ["<ZZ9>", "<D3>", "<PB509>", "<D1><EA34>", "<EA570>", "<OT532>"]
    docs = [{"_timestamp": dt.datetime(2018, 7, 16, tzinfo=UTC), "timeSpan": "week",
             "dataType": "department", "customVarValue9": value} for value in values]
    plugins = [
        "Comment('department from customVarValue9')",
        "ComputeDepartmentKey('customVarValue9')",
        "ComputeRank('rank')",
        "ComputeIdFrom('_timestamp', 'timeSpan', 'dataType', 'department', 'rank')",
    ]
    result = run_plugins(plugins, docs, departments=departments)
    assert [doc["humanId"] for doc in result] == [
        "20180716000000_week_department_<ZZ9>_1",
        "20180716000000_week_department_department-for-business-innovation-skills_2",
        "20180716000000_week_department_disclosure-and-barring-service_3",
        "20180716000000_week_department_attorney-generals-office_4",
        "20180716000000_week_department_driver-and-vehicle-standards-agency_5",
        "20180716000000_week_department_prime-ministers-office-10-downing-street_6",
    ]
    assert result[0]["_id"] == "MjAxODA3MTYwMDAwMDBfd2Vla19kZXBhcnRtZW50XzxaWjk-XzE="


def test_golden_aggregate_pipeline():
    # edge--ga-plugins-aggregate: RemoveKey, AggregateKey, ComputeIdFrom
    def row(browser, version, sessions, bounce):
        return {"_timestamp": dt.datetime(2018, 7, 16, tzinfo=UTC), "dataType": "aggregate",
                "browser": browser, "browserVersion": version, "sessions": sessions,
                "bounceRate": bounce, "timeSpan": "week", "_id": version, "humanId": version}

    docs = [row("Firefox", "61", 10, 20.0), row("Chrome", "67", 30, 40.0),
            row("Chrome", "68", 10, 80.0)]
    plugins = [
        "RemoveKey('browserVersion', '_id', 'humanId')",
        "AggregateKey(aggregate_count('sessions'),    aggregate_rate('bounceRate', 'sessions'), )",
        "ComputeIdFrom('_timestamp', 'timeSpan', 'dataType', 'browser')",
    ]
    result = run_plugins(plugins, docs)
    assert [(d["browser"], d["sessions"], d["bounceRate"]) for d in result] == [
        ("Chrome", 40, 50.0), ("Firefox", 10, 20.0),
    ]
    assert result[0]["humanId"] == "20180716000000_week_aggregate_Chrome"
    assert result[0]["_id"] == "MjAxODA3MTYwMDAwMDBfd2Vla19hZ2dyZWdhdGVfQ2hyb21l"


def test_comment_is_loaded():
    assert isinstance(load_plugin("Comment('department computed from filtersets')"), Comment)
