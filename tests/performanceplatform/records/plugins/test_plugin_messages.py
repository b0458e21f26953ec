"""What a plugin string that cannot be used is reported as, and the argument forms the
loader reads (signs, nested ``aggregate_*`` calls)."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.utils.data_parser import MappingError
from performanceplatform.utils.plugins import load_plugin
from performanceplatform.utils.plugins.aggregate import AggregateKey
from performanceplatform.utils.plugins.basic import ComputeIdFrom
from performanceplatform.utils.plugins.errors import PluginError
from tests.local_zone import local_zone


def refusal(text: str) -> str:
    with pytest.raises(PluginError) as failure:
        load_plugin(text)
    return str(failure.value)


@pytest.mark.parametrize("text, value", [("ComputeRank(+5)", 5), ("ComputeRank(-5)", -5),
                                         ("ComputeRank(-1.5)", -1.5)])
def test_signed_numbers(text, value):
    assert load_plugin(text).name == value


def test_a_name_is_not_an_argument():
    assert refusal("ComputeIdFrom(x)") == (
        "options.plugins: plugin 'ComputeIdFrom(x)': arguments must be strings, numbers or "
        "aggregate_count/aggregate_rate(...) calls, not 'x'")


def test_a_bad_name_inside_an_aggregate_call_names_the_whole_plugin():
    assert refusal("AggregateKey(aggregate_count(x))") == (
        "options.plugins: plugin 'AggregateKey(aggregate_count(x))': arguments must be "
        "strings, numbers or aggregate_count/aggregate_rate(...) calls, not 'x'")


def test_wrong_arguments_of_an_aggregate_call():
    message = refusal("AggregateKey(aggregate_count(1, 2, 3))")
    assert message.startswith("options.plugins: bad arguments in "
                              "'AggregateKey(aggregate_count(1, 2, 3))': ")
    assert message.endswith("() takes 1 positional argument but 3 were given")


@pytest.mark.parametrize("argument", ["x", ("a",), ("a", "not callable"), ("a", len, 3)])
def test_aggregate_key_takes_only_aggregations(argument):
    with pytest.raises(PluginError) as failure:
        AggregateKey(argument)
    assert str(failure.value) == ("options.plugins: AggregateKey takes aggregate_count(...) / "
                                  f"aggregate_rate(...) arguments, not {argument!r}")


def test_aggregate_key_needs_the_first_record_s_fields_in_every_record():
    plugin = load_plugin('AggregateKey(aggregate_count("n"))')
    with pytest.raises(PluginError) as failure:
        plugin([{"a": 1, "n": 1}, {"n": 2}])
    assert str(failure.value) == ("options.plugins: AggregateKey: a record lacks field 'a' of "
                                  "the first record")


def test_error_text_keeps_its_spacing_but_not_its_line_breaks():
    assert str(PluginError("a  b\nc")) == "options.plugins: a  b c"
    error = MappingError("a  b\nc")
    assert str(error) == "options.mappings: a  b c" and error.where == "options.mappings"


def test_ids_from_datetimes_are_utc_and_naive_ones_are_refused():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    plugin = ComputeIdFrom("at")
    with local_zone():
        assert plugin.id_string({"at": dt.datetime(2018, 8, 1, 2, tzinfo=plus_two)}) == \
            "20180801000000"
    with pytest.raises(ValueError, match="^astimezone\\(\\) cannot be applied to a naive "
                                         "datetime$"):
        plugin.id_string({"at": dt.datetime(2018, 8, 1)})
    with pytest.raises(ValueError, match="naive"):
        plugin.id_string({"at": dt.datetime(2018, 8, 1, tzinfo=NoOffset())})


class NoOffset(dt.tzinfo):
    def utcoffset(self, when):
        return None
