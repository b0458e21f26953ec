"""``options.idMapping`` checked against the records: the whole error and warning lines, and
a single field name given as a string (see also test_data_parser.py)."""

from __future__ import annotations

import logging

import pytest

from performanceplatform.utils.errors import ConfigError
from tests.performanceplatform.utils.test_data_parser import parser


def test_the_error_lists_the_records_fields_without_id_and_humanid():
    with pytest.raises(ConfigError) as error:
        parser([{"browser": "a"}], ["zzz"]).get_data()
    assert str(error.value) == ("key 'options.idMapping': a record has no field 'zzz', so its "
                                "_id would be empty; the records' fields: _timestamp, browser, "
                                "dataType")


def test_one_field_no_record_has_is_named_in_the_singular(caplog):
    with caplog.at_level(logging.WARNING):
        docs = parser([{"browser": "a"}], ["browser", "zzz"]).get_data()
    assert [d["humanId"] for d in docs] == ["a"]
    assert [r.getMessage() for r in caplog.records] == [
        "key 'options.idMapping': no record has the field 'zzz'; the _ids were built without it"]


def test_one_field_name_as_a_string_is_that_field():
    as_string = parser([{"browser": "a"}, {"browser": "b"}], "browser").get_data()
    as_list = parser([{"browser": "a"}, {"browser": "b"}], ["browser"]).get_data()
    assert [d["humanId"] for d in as_string] == ["a", "b"]
    assert [d["_id"] for d in as_string] == [d["_id"] for d in as_list]
