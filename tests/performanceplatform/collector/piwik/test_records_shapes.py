"""Piwik periodic answers of the wrong shape, and a mapping naming a column a row lacks."""

from __future__ import annotations

import pytest

from performanceplatform.collector.piwik.records import core_records, period_rows
from performanceplatform.utils.errors import SourceError


def message(answer) -> str:
    with pytest.raises(SourceError) as failure:
        list(period_rows(answer))
    return str(failure.value)


def test_an_answer_that_is_not_keyed_by_period():
    assert message([{"nb_visits": 1}]) == ("piwik: expected an object keyed by period (ask for "
                                           "a date range or previousN), got a JSON list")


@pytest.mark.parametrize("value, kind", [(5, "int"), ("x", "str"), ([{"a": 1}, 2], "list")])
def test_a_period_that_does_not_hold_rows(value, kind):
    assert message({"2015-01-01": value}) == \
        f"piwik: period '2015-01-01' holds {kind}, not rows"


def test_a_period_with_one_row_or_a_list_of_rows():
    answer = {"2015-01-01": {"a": 1}, "2015-01-02": [{"a": 2}, {"a": 3}], "2015-01-03": []}
    found = list(period_rows(answer))
    assert sorted(found, key=lambda pair: (pair[0], pair[1]["a"])) == [
        ("2015-01-01", {"a": 1}), ("2015-01-02", {"a": 2}), ("2015-01-02", {"a": 3})]


def test_a_mapping_naming_a_missing_column_names_the_period():
    with pytest.raises(SourceError) as failure:
        core_records({"2015-01-01": {"nb_visits": 1}}, {"mappings": {"nb_actions": "actions"}},
                     "t", "day")
    assert str(failure.value) == ("piwik: a row of period '2015-01-01' has no column "
                                  "'nb_actions' (named in options.mappings)")


def test_a_period_label_without_a_date_is_named():
    with pytest.raises(SourceError) as failure:
        list(core_records({"last week": {"nb_visits": 1}}, {}, "t", "week"))
    assert str(failure.value) == "piwik: cannot find a date in the period label 'last week'"
