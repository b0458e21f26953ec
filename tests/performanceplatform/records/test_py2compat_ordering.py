"""Python 2's ordering of mixed values (None, numbers, then by type name, text of both kinds
as one type), byte strings as text, and rounding of large floats that are not half-way."""

from __future__ import annotations

import pytest

from performanceplatform.utils.py2compat import py2_float_str, py2_sort_key, py2_str


def ordered(values: list) -> list:
    return sorted(values, key=py2_sort_key)


def test_none_then_numbers_then_types_by_name():
    assert ordered(["b", 3, None, ("t",), [1], {"d": 1}, 1.5]) == \
        [None, 1.5, 3, {"d": 1}, [1], ("t",), "b"]


def test_text_of_both_kinds_sorts_as_one_type():
    assert ordered([b"b", "a", b"c"]) == ["a", b"b", b"c"]
    assert ordered(["z", ("a",)]) == [("a",), "z"]
    later = zip()  # a type whose name sorts after "unicode"
    assert ordered([later, "z"]) == ["z", later]


def test_tuples_compare_element_by_element():
    assert ordered([("b", 1), ("a", 2), ("a", None)]) == [("a", None), ("a", 2), ("b", 1)]


def test_byte_strings_are_ascii_text():
    assert py2_str(b"abc") == "abc"
    with pytest.raises(UnicodeDecodeError):
        py2_str("é".encode())


@pytest.mark.parametrize("value, text", [
    (123456789012600.0, "1.23456789013e+14"),  # rounds up: not half-way
    (123456789012300.0, "1.23456789012e+14"),
])
def test_large_floats_round_to_12_digits(value, text):
    assert py2_float_str(value) == text


@pytest.mark.parametrize("value, text", [
    (float("inf"), "inf"), (float("-inf"), "-inf"), (-0.0, "-0.0"), (0.0, "0.0"),
    (1e11, "1e+11"), (-2e11, "-2e+11"), (1e-05, "1e-05"), (1.5e-10, "1.5e-10"),
    (0.0001, "0.0001"), (12345678901.0, "12345678901.0"), (-1.5, "-1.5"), (10.0, "10.0"),
    (1e12, "1e+12"),
    (1000000000005.0, "1.00000000000e+12"),     # half-way at exponent 12: zeros kept
    (100000000000500.0, "1.00000000000e+14"),   # ... and at 14
    (1000000000005000.0, "1e+15"),              # from 1e15 on, as '%.12g'
    (1000000000005.5, "1.00000000001e+12"),     # not integral: rounded as '%.12g'
])
def test_python_2_float_text(value, text):
    assert py2_float_str(value) == text
