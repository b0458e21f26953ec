"""Record building and ids (ga.md §7, examples #51-#71, #93-#96; sources.md §1.4).

The ids below were produced by the original collector on Python 2.7; the ``golden`` cases
copy a few rows (dimension values and the resulting humanId/_id) from its recorded runs.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging

import pytest

from performanceplatform.records.data_parser import (
    DataParser,
    MappingError,
    apply_key_mapping,
    build_document,
    build_document_set,
    get_string_for_data_id,
    iter_documents,
    map_multi_value_fields,
    value_id,
)
from performanceplatform.utils.errors import ConfigError

UTC = dt.timezone.utc
APRIL_1 = dt.date(2013, 4, 1)


def item(dimensions=None, start=APRIL_1, **metrics):
    result = {"start_date": start, "end_date": start + dt.timedelta(days=6), "metrics": metrics}
    if dimensions is not None:
        result["dimensions"] = dimensions
    return result


def core_fields(items, time_span="week"):
    """What the GA core collector computes per item (ga.md §6 step 2), for these tests."""
    def number(value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return float(value)

    result = []
    for row in items:
        fields = {name: number(value) for name, value in row["metrics"].items()}
        if fields.get("avgSessionDuration"):
            fields["avgSessionDuration"] *= 1000
        fields["timeSpan"] = time_span
        result.append(fields)
    return result


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


PEOPLE = [
    item({"customVarValue1": "Jane"}, visits="12345"),
    item({"customVarValue1": "John"}, visits="2313"),
    item({"customVarValue1": "Joanne"}, start=dt.date(2013, 4, 8), visits="4323"),
]


# --- acceptance examples (§14.7) --------------------------------------------------------


def test_51_special_field_count_must_match():
    with pytest.raises(ValueError, match="There must be same number of special fields as "
                                         "results"):
        build_document_set([{}, {}], "", None, [{}], idMapping=None)


def test_52_id_mapping_list():
    doc = build_document(item({"var": "f"}), "oo", {}, idMapping=["var", "dataType"])
    assert doc["_id"] == "Zm9v"
    assert doc["humanId"] == "foo"


def test_53_id_mapping_string_from_additional_fields():
    doc = build_document(item({}), "x", {}, idMapping="idVar", additionalFields={"idVar": "foo"})
    assert doc["_id"] == "Zm9v"


def test_54_id_mapping_non_ascii():
    doc = build_document(item({"a": "1\u0601", "b": "2"}), "x", {}, idMapping=["a", "b"])
    assert doc["_id"] == "MdiBMg=="
    assert doc["humanId"] == "1\u06012"


def test_55_id_mapping_string_from_dimensions():
    assert build_document(item({"idVar": "foo"}), "x", {}, idMapping="idVar")["_id"] == "Zm9v"


def test_56_data_type_is_required():
    with pytest.raises(ValueError, match="^Must provide a data type$"):
        build_document({}, None)


def test_57_mappings_with_core_special_fields():
    docs = build_document_set(PEOPLE, "people", {"customVarValue1": "name"},
                              core_fields(PEOPLE))
    assert [doc["name"] for doc in docs] == ["Jane", "John", "Joanne"]
    assert [doc["visits"] for doc in docs] == [12345, 2313, 4323]
    assert docs[0]["_timestamp"] == dt.datetime(2013, 4, 1, tzinfo=UTC)
    assert docs[2]["_timestamp"] == dt.datetime(2013, 4, 8, tzinfo=UTC)
    assert all(doc["dataType"] == "people" for doc in docs)
    assert all("customVarValue1" not in doc for doc in docs)


def test_58_mappings_of_metrics_and_time_span():
    mappings = {"visits": "count", "customVarValue1": "name", "timeSpan": "period"}
    doc = build_document_set(PEOPLE, "people", mappings, core_fields(PEOPLE))[0]
    assert doc["count"] == 12345
    assert doc["name"] == "Jane"
    assert doc["period"] == "week"
    assert "timeSpan" not in doc and "visits" not in doc


def test_59_multi_value_mappings():
    mappings = {
        "multiValuesField": "originalField",
        "multiValuesField_0": "first",
        "multiValuesField_1": "second",
        "multiValuesField_2": "third",
    }
    doc = build_document(
        item({"multiValuesField": "first value:second value:third value"}), "t", {}, mappings
    )
    assert doc["originalField"] == "first value:second value:third value"
    assert (doc["first"], doc["second"], doc["third"]) == (
        "first value", "second value", "third value",
    )


def test_60_mapping_renames_a_dimension():
    doc = build_document(PEOPLE[0], "people", {}, {"customVarValue1": "name"})
    assert doc["name"] == "Jane"


def test_61_no_dimensions():
    items = [item(visits="12345", visitors="5376")]
    doc = build_document_set(items, "visits", None, core_fields(items))[0]
    assert doc["_timestamp"] == dt.datetime(2013, 4, 1, tzinfo=UTC)
    assert (doc["visits"], doc["visitors"]) == (12345, 5376)


def test_62_default_id():
    items = [item({"date": "2013-04-02"}, visits="12345")]
    doc = build_document_set(items, "weeklyvisits", None, core_fields(items))[0]
    assert doc["humanId"] == "weeklyvisits_20130401000000_week_2013-04-02"
    assert doc["_id"] == "d2Vla2x5dmlzaXRzXzIwMTMwNDAxMDAwMDAwX3dlZWtfMjAxMy0wNC0wMg=="
    assert doc["dataType"] == "weeklyvisits"
    assert doc["date"] == "2013-04-02"
    assert doc["visits"] == 12345
    assert doc["_timestamp"] == dt.datetime(2013, 4, 1, tzinfo=UTC)


def test_63_get_string_for_data_id():
    when = dt.datetime(2012, 1, 1, 12, tzinfo=UTC)
    assert get_string_for_data_id("a", when, "week", ["one", "two"]) == (
        "a_20120101120000_week_one_two"
    )


def test_64_get_string_for_data_id_non_ascii():
    when = dt.datetime(2012, 1, 1, 12, tzinfo=UTC)
    text = get_string_for_data_id("a", when, "week", ["one", "© ☯ ☮"])
    assert text.encode("utf-8") == (
        b"a_20120101120000_week_one_\xc2\xa9 \xe2\x98\xaf \xe2\x98\xae"
    )


def test_65_value_id_is_url_safe_base64():
    when = dt.datetime(2012, 1, 1, 12, tzinfo=UTC)
    text = get_string_for_data_id("a", when, "week", ["one", "© ☯ ☮"])
    _id, human = value_id(text)
    assert _id == "YV8yMDEyMDEwMTEyMDAwMF93ZWVrX29uZV_CqSDimK8g4piu"
    assert human == text
    assert isinstance(_id, str) and isinstance(human, str)


def test_66_apply_key_mapping():
    assert apply_key_mapping({"a": "b"}, {"a": "foo", "c": "bar"}) == {"b": "foo", "c": "bar"}


def test_67_map_multi_value_fields():
    mappings = {
        "key_0_not_really": "x",
        "key_0": "one",
        "key_1": "two",
        "key_2": "not_in_value",
        "no_key_0": "dont_exist",
    }
    assert map_multi_value_fields(mappings, {"key": "foo:bar"}) == {"one": "foo", "two": "bar"}


def test_68_plugins_run_after_building():
    items = [item({"customVarValue9": "<D1>", "date": "20130401"})]
    plain = DataParser(items, {}, "t").get_data()
    assert plain[0]["customVarValue9"] == "<D1>"
    options = {"plugins": ['RemoveKey("customVarValue9")', 'ComputeIdFrom("date")']}
    docs = DataParser(items, options, "t").get_data()
    assert "customVarValue9" not in docs[0]
    assert docs[0]["humanId"] == "20130401"


def test_69_data_type_option_overrides():
    assert DataParser([item({})], {}, "original").get_data()[0]["dataType"] == "original"
    doc = DataParser([item({})], {"dataType": "overriden"}, "original").get_data()[0]
    assert doc["dataType"] == "overriden"
    assert doc["humanId"].startswith("overriden_")


def test_70_additional_fields():
    doc = DataParser([item({})], {"additionalFields": {"foo": "bar"}}, "t").get_data()[0]
    assert doc["foo"] == "bar"


def test_71_lengths_are_compared_by_value():
    with pytest.raises(Exception) as raised:
        build_document_set([0] * 3142, "", {}, [0] * 3142)
    assert not isinstance(raised.value, ValueError)


# --- further examples (§15, §12) ---------------------------------------------------------


def test_93_row_with_date_dimension():
    row = item({"date": "20130401", "browser": "Chrome", "datetime": dt.datetime(2013, 4, 1)},
               sessions="10", avgSessionDuration="400.5")
    doc = build_document_set([row], "sessions", None, core_fields([row]))[0]
    assert doc["humanId"] == "sessions_20130401000000_week_20130401_2013-04-01 00:00:00_Chrome"
    assert doc["_id"] == (
        "c2Vzc2lvbnNfMjAxMzA0MDEwMDAwMDBfd2Vla18yMDEzMDQwMV8yMDEzLTA0LTAxIDAwOjAwOjAwX0Nocm9tZQ=="
    )
    assert doc["sessions"] == 10
    assert doc["avgSessionDuration"] == 400500.0
    assert doc["datetime"] == dt.datetime(2013, 4, 1)
    assert "metrics" not in doc and "start_date" not in doc and "end_date" not in doc


def test_94_default_id_uses_python_2_dimension_order():
    row = item({"browser": "b", "browserVersion": "v"})
    doc = build_document(row, "dt", {"timeSpan": "week"})
    assert doc["humanId"] == "dt_20130401000000_week_v_b"


def test_95_id_mapping_with_timestamp_and_missing_key():
    row = item({"browser": "Chrome"})
    doc = build_document(row, "browser-usage", {"timeSpan": "week"},
                         idMapping=["_timestamp", "timeSpan", "dataType", "browser", "missing"])
    assert doc["humanId"] == "2013-04-01 00:00:00+00:00weekbrowser-usageChrome"
    assert doc["_id"] == "MjAxMy0wNC0wMSAwMDowMDowMCswMDowMHdlZWticm93c2VyLXVzYWdlQ2hyb21l"


def test_96_floats_in_id_mapping_use_python_2_text():
    row = item({})
    special = {"a": 0.1 + 0.2, "b": 2313.13, "c": 400000.0, "d": 1234.0 * 1000, "e": None}
    doc = build_document(row, "t", special, idMapping=["a", "b", "c", "d", "e"])
    assert doc["humanId"] == "0.32313.13400000.01234000.0None"


def test_wire_example_section_12():
    row = item({"date": "20130402", "country": "Côte d'Ivoire",
                "datetime": dt.datetime(2013, 4, 2)}, visits="12345", avgSessionDuration="12.5")
    doc = build_document_set([row], "visits", None, core_fields([row]))[0]
    assert doc["humanId"] == "visits_20130401000000_week_20130402_Côte d'Ivoire_2013-04-02 00:00:00"
    assert doc["_id"] == (
        "dmlzaXRzXzIwMTMwNDAxMDAwMDAwX3dlZWtfMjAxMzA0MDJfQ8O0dGUgZCdJdm9pcmVfMjAxMy0wNC0wMiAw"
        "MDowMDowMA=="
    )
    assert doc["avgSessionDuration"] == 12500.0


# --- layering, mapping rules ------------------------------------------------------------


def test_layers_later_wins():
    row = item({"dataType": "from-dimension", "x": "dim"})
    doc = build_document(row, "t", {"x": 1},
                         additionalFields={"_timestamp": "override", "x": "add", "y": "add"})
    assert doc["_timestamp"] == "override"
    assert doc["dataType"] == "from-dimension"
    assert doc["x"] == 1
    assert doc["y"] == "add"
    assert doc["humanId"].startswith("t_20130401000000_")  # the id still uses the data type


def test_one_to_one_collision_follows_python_2_order():
    assert apply_key_mapping({"a": "c", "b": "c"}, {"a": 1, "b": 2}) == {"c": 2}
    assert apply_key_mapping({"a": "b"}, {"a": 1, "b": 2}) == {"b": 2}


def test_collision_winner_is_the_later_key_in_python_2_order_not_insertion_order():
    # {browser, browserVersion} iterate as browserVersion, browser in Python 2
    mapped = apply_key_mapping({"browser": "b", "browserVersion": "b"},
                               {"browser": "Chrome", "browserVersion": "9"})
    assert mapped == {"b": "Chrome"}


def test_multi_value_wins_over_one_to_one():
    doc = build_document(item({"label": "x:y", "other": "o"}), "t", {},
                         {"other": "first", "label_0": "first"})
    assert doc["first"] == "x"
    assert doc["label"] == "x:y"


def test_multi_value_source_stays_unless_mapped():
    doc = build_document(item({"label": "x:y"}), "t", {}, {"label_1": "second"})
    assert doc["label"] == "x:y" and doc["second"] == "y"


def test_multi_value_index_with_leading_zero_and_short_value():
    assert map_multi_value_fields({"k_01": "one", "k_5": "five"}, {"k": "a:b"}) == {"one": "b"}


def test_multi_value_greedy_field_name():
    assert map_multi_value_fields({"a_b_1": "x"}, {"a_b": "p:q"}) == {"x": "q"}


def test_multi_value_key_ending_in_underscore_is_a_config_error():
    with pytest.raises(MappingError) as raised:
        map_multi_value_fields({"foo_": "x"}, {"foo": "a"})
    assert isinstance(raised.value, ConfigError) and isinstance(raised.value, ValueError)
    assert "options.mappings" in str(raised.value)


def test_multi_value_of_non_text_is_a_config_error():
    with pytest.raises(ConfigError, match="not text"):
        map_multi_value_fields({"n_0": "x"}, {"n": 3})


def test_multi_value_skips_none():
    assert map_multi_value_fields({"n_0": "x"}, {"n": None}) == {}


def test_default_id_omits_time_span_mapped_away():
    doc = build_document(item({"browser": "Chrome"}), "t", {"timeSpan": "week"},
                         {"timeSpan": "period"})
    assert doc["humanId"] == "t_20130401000000_Chrome"


def test_default_id_uses_unmapped_dimension_values():
    doc = build_document(item({"customVarValue1": "Jane"}), "t", {"timeSpan": "week"},
                         {"customVarValue1": "name"})
    assert doc["humanId"] == "t_20130401000000_week_Jane"


def test_id_mapping_sees_mapped_names():
    doc = build_document(item({"customVarValue1": "Jane"}), "t", {},
                         {"customVarValue1": "name"}, idMapping=["name", "customVarValue1"])
    assert doc["humanId"] == "Jane"


def test_datetime_start_date_is_relabelled_utc():
    row = item({}, start=dt.datetime(2013, 4, 1, 10, 30))
    doc = build_document(row, "t", {})
    assert doc["_timestamp"] == dt.datetime(2013, 4, 1, 10, 30, tzinfo=UTC)
    assert doc["humanId"] == "t_20130401103000"


# --- streaming ------------------------------------------------------------------------------


def test_iter_documents_is_lazy_and_checks_lengths_as_it_goes():
    rows = (item({"n": str(i)}) for i in range(3))
    fields = iter([{"timeSpan": "week"}] * 2)
    documents = iter_documents(rows, "t", None, fields)
    assert next(documents)["n"] == "0"
    assert next(documents)["n"] == "1"
    with pytest.raises(ValueError, match="same number"):
        next(documents)


def test_data_parser_iter_data_matches_get_data():
    options = {"mappings": {"customVarValue1": "name"}}
    assert list(DataParser(PEOPLE, options, "p").iter_data(core_fields(PEOPLE))) == (
        DataParser(PEOPLE, options, "p").get_data(core_fields(PEOPLE))
    )


def test_empty_plugins_list_runs_nothing():
    doc = DataParser([item({"a": "1"})], {"plugins": []}, "t").get_data()[0]
    assert doc["humanId"] == "t_20130401000000_1"


# --- facts from the original's recorded runs (weekly, start 2018-07-16 unless said) -------

JULY_16 = dt.date(2018, 7, 16)


@pytest.mark.parametrize(
    ("data_type", "dimensions", "human_id", "_id"),
    [
        (
            "browsers",
            {"browser": "(not set)", "browserVersion": "7.0", "operatingSystem": "iOS",
             "operatingSystemVersion": "11.3"},
            "browsers_20180716000000_week_11.3_7.0_iOS_(not set)",
            "YnJvd3NlcnNfMjAxODA3MTYwMDAwMDBfd2Vla18xMS4zXzcuMF9pT1NfKG5vdCBzZXQp",
        ),
        (
            "journey",
            {"eventCategory": "carers-allowance", "eventAction": "back",
             "eventLabel": "help:contact"},
            "journey_20180716000000_week_help:contact_carers-allowance_back",
            "am91cm5leV8yMDE4MDcxNjAwMDAwMF93ZWVrX2hlbHA6Y29udGFjdF9jYXJlcnMtYWxsb3dhbmNlX2JhY2s=",
        ),
        (
            "non-ascii",
            {"country": "Curaçao", "city": "Zürich", "pageTitle": "Müller & Söhne allowance"},
            "non-ascii_20180716000000_week_Müller & Söhne allowance_Curaçao_Zürich",
            "bm9uLWFzY2lpXzIwMTgwNzE2MDAwMDAwX3dlZWtfTcO8bGxlciAmIFPDtmhuZSBhbGxvd2FuY2VfQ3VyYcOn"
            "YW9fWsO8cmljaA==",
        ),
        (
            "new-returning-users",
            {"userType": "New Visitor", "eventCategory": "pp|complete", "eventAction": "start",
             "eventLabel": "routing:search"},
            "new-returning-users_20180716000000_week_routing:search_New Visitor_pp|complete_start",
            None,
        ),
    ],
)
def test_golden_default_ids(data_type, dimensions, human_id, _id):
    doc = build_document({"start_date": JULY_16, "dimensions": dimensions}, data_type,
                         {"timeSpan": "week"})
    assert doc["humanId"] == human_id
    assert doc["_id"] == (_id or b64(human_id))


def test_golden_float_metrics_in_id_mapping():
    options = {"idMapping": ["_timestamp", "deviceCategory", "avgSessionDuration", "bounceRate",
                             "pageviewsPerSession"]}
    rows = [item({"deviceCategory": "desktop"}, start=JULY_16),
            item({"deviceCategory": "mobile"}, start=JULY_16)]
    special = [
        {"avgSessionDuration": 67990.22426682, "bounceRate": 30.89753772835584,
         "pageviewsPerSession": 4.1011513157894735, "timeSpan": "week"},
        {"avgSessionDuration": 0.0, "bounceRate": 78.11271297509829,
         "pageviewsPerSession": 0.41302738712065135, "timeSpan": "week"},
    ]
    docs = DataParser(rows, options, "float-ids").get_data(special)
    assert [doc["humanId"] for doc in docs] == [
        "2018-07-16 00:00:00+00:00desktop67990.224266830.89753772844.10115131579",
        "2018-07-16 00:00:00+00:00mobile0.078.11271297510.413027387121",
    ]
    assert docs[0]["_id"] == (
        "MjAxOC0wNy0xNiAwMDowMDowMCswMDowMGRlc2t0b3A2Nzk5MC4yMjQyNjY4MzAuODk3NTM3NzI4NDQuMTAxMTUx"
        "MzE1Nzk="
    )


def test_golden_name_n_mappings():
    options = {"mappings": {"eventLabel_0": "eventType", "eventLabel_1": "eventDetail",
                            "eventLabel_2": "third", "eventLabel_10": "never",
                            "eventAction": "action"}}
    row = item({"eventCategory": "feedback", "eventAction": "complete",
                "eventLabel": "stage:information:start"}, start=JULY_16)
    doc = DataParser([row], options, "name-n").get_data([{"uniqueEvents": 10581,
                                                          "timeSpan": "week"}])[0]
    assert doc["humanId"] == "name-n_20180716000000_week_stage:information:start_feedback_complete"
    assert (doc["eventType"], doc["eventDetail"], doc["third"]) == (
        "stage", "information", "start",
    )
    assert doc["action"] == "complete" and "eventAction" not in doc and "never" not in doc


def test_golden_time_span_mapped_to_period_in_id_mapping():
    options = {"idMapping": ["_timestamp", "period", "dataType", "deviceCategory"],
               "mappings": {"timeSpan": "period"}}
    row = item({"deviceCategory": "mobile"}, start=dt.date(2018, 7, 30))
    doc = DataParser([row], options, "device-usage").get_data(
        [{"sessions": 47420, "timeSpan": "day"}])[0]
    assert doc["humanId"] == "2018-07-30 00:00:00+00:00daydevice-usagemobile"
    assert doc["_id"] == "MjAxOC0wNy0zMCAwMDowMDowMCswMDowMGRheWRldmljZS11c2FnZW1vYmlsZQ=="
    assert doc["period"] == "day" and "timeSpan" not in doc


def test_plugins_must_be_a_list():
    with pytest.raises(ConfigError, match="options.plugins"):
        DataParser([], {"plugins": "ComputeIdFrom('a')"}, "t")


# -- idMapping naming a field that no record has (issue 7) ---------------------------------

def parser(rows, id_mapping, plugins=None):
    options = {"idMapping": id_mapping}
    if plugins:
        options["plugins"] = plugins
    return DataParser([item(row) for row in rows], options, "browsers")


def test_idmapping_of_which_a_record_has_no_field_is_a_config_error():
    """Its _id would be empty, which Backdrop refuses: say which option is at fault."""
    with pytest.raises(ConfigError) as error:
        parser([{"browser": "a"}, {"browser": "b"}], ["browsr"]).get_data()
    assert error.value.key == "options.idMapping"
    assert "a record has no field 'browsr' (did you mean `browser`?), so its _id would be " \
        "empty" in str(error.value)
    assert "the records' fields: _timestamp, browser, dataType" in str(error.value)


def test_idmapping_as_one_string_and_several_missing_fields():
    with pytest.raises(ConfigError, match="a record has no field 'x' or 'y'"):
        parser([{"browser": "a"}], ["x", "y"]).get_data()
    with pytest.raises(ConfigError, match="a record has no field 'x'"):
        parser([{"browser": "a"}], "x").get_data()


def test_a_field_no_record_has_beside_others_is_a_warning_as_the_original_built_ids(caplog):
    with caplog.at_level(logging.WARNING):
        docs = parser([{"browser": "a"}, {"browser": "b"}],
                      ["dataType", "browsr", "versoin"]).get_data()
    assert [d["humanId"] for d in docs] == ["browsers", "browsers"]
    [line] = [r.getMessage() for r in caplog.records]
    assert line == "key 'options.idMapping': no record has the fields 'browsr' and 'versoin' " \
                   "(did you mean `browser`?); the _ids were built without them"


def test_a_field_some_records_have_is_accepted_as_the_original_did():
    docs = parser([{"browser": "a"}, {"browser": "b", "extra": "x"}], ["browser", "extra"]
                  ).get_data()
    assert [d["humanId"] for d in docs] == ["a", "bx"]


def test_streaming_checks_the_first_record_before_yielding_it():
    records = parser([{"browser": "a"}], ["browsr"]).iter_data()
    with pytest.raises(ConfigError, match="'browsr'"):
        next(records)
    assert list(parser([], ["browsr"]).iter_data()) == []
    later = parser([{"browser": "a", "v": "1"}, {"browser": "b"}], ["v"]).iter_data()
    assert next(later)["humanId"] == "1"
    with pytest.raises(ConfigError, match="a record has no field 'v'"):
        next(later)


def test_with_plugins_the_ids_come_from_compute_id_from_so_idmapping_is_not_checked():
    docs = parser([{"browser": "a"}], ["nowhere"], ["ComputeIdFrom('browser')"]).get_data()
    assert len(docs) == 1 and docs[0]["_id"] != ""


# --- empty values (checked against Python 2.7 running the original's id code) ------------


@pytest.mark.parametrize(("dimensions", "human_id", "_id"), [
    ({"browser": "", "browserVersion": "61.0", "operatingSystem": ""},
     "empty_20180716000000_week_61.0__", "ZW1wdHlfMjAxODA3MTYwMDAwMDBfd2Vla182MS4wX18="),
    ({"eventCategory": "feedback", "eventLabel": ""},
     "empty_20180716000000_week__feedback", "ZW1wdHlfMjAxODA3MTYwMDAwMDBfd2Vla19fZmVlZGJhY2s="),
])
def test_empty_dimension_values_keep_their_place_in_default_ids(dimensions, human_id, _id):
    doc = build_document({"start_date": JULY_16, "dimensions": dimensions}, "empty",
                         {"timeSpan": "week"})
    assert (doc["humanId"], doc["_id"]) == (human_id, _id)


def test_an_empty_value_is_split_by_name_n_mappings():
    # the original skipped only None: "" splits into [""], so part 0 is "" and part 1 absent
    options = {"mappings": {"eventLabel_0": "first", "eventLabel_1": "second"},
               "idMapping": ["eventCategory", "first"]}
    row = item({"eventCategory": "feedback", "eventLabel": ""}, start=JULY_16)
    doc = DataParser([row], options, "name-n").get_data([{"timeSpan": "week"}])[0]
    assert doc["first"] == "" and "second" not in doc
    assert doc["eventLabel"] == ""
    assert doc["humanId"] == "feedback"
    none = item({"eventCategory": "feedback", "eventLabel": None}, start=JULY_16)
    assert "first" not in DataParser([none], options, "name-n").get_data([{}])[0]


def test_the_compact_timestamp_of_an_id_follows_the_local_fields():
    """Equal instants in other zones (equal datetimes) keep their own local fields."""
    utc = dt.datetime(2018, 1, 1, tzinfo=dt.timezone.utc)
    paris = dt.datetime(2018, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert utc == paris
    assert get_string_for_data_id("a", utc, None, []) == "a_20180101000000"
    assert get_string_for_data_id("a", paris, None, []) == "a_20180101010000"
    assert get_string_for_data_id("a", dt.date(2018, 1, 1), None, []) == "a_20180101000000"
