"""Python 2.7 dict/set order and value text (ga.md §16.1, §16.2, §15 #94, #96)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from performanceplatform.records.py2compat import (
    Py2Table,
    py2_float_str,
    py2_hash,
    py2_items,
    py2_merged_order,
    py2_order,
    py2_sort_key,
    py2_str,
    py2_values,
)

UTC = dt.timezone.utc

keys = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=12)
key_lists = st.lists(keys, unique=True, max_size=60)


# --- hashes ------------------------------------------------------------------------------


def test_hash_of_known_strings():
    assert py2_hash("") == 0
    assert py2_hash("a") == 12416037344  # hash('a') on 64-bit CPython 2.7


def test_unicode_hash_uses_code_points():
    # x = ord(c0) << 7; x = 1000003 * x ^ ord(c); x ^= len
    x = ord("é") << 7
    x = (1000003 * x) ^ ord("é")
    assert py2_hash("é") == x ^ 1


def test_hash_is_signed_64_bit_and_never_minus_one():
    for text in ["eventCategory", "browserVersion", "Côte d'Ivoire", "©☯☮", "x" * 50]:
        assert -(1 << 63) <= py2_hash(text) < (1 << 63)
        assert py2_hash(text) != -1
    assert py2_hash(-1) == -2
    assert py2_hash(7) == 7


# --- dict order: examples verified against Python 2.7 (ga.md §15 #94, §12) ---------------


@pytest.mark.parametrize(
    ("inserted", "iterated"),
    [
        (["eventCategory", "eventAction"], ["eventCategory", "eventAction"]),
        (["eventCategory", "eventAction", "eventLabel"],
         ["eventLabel", "eventCategory", "eventAction"]),
        (["browser", "browserVersion"], ["browserVersion", "browser"]),
        (["userType", "eventCategory", "eventAction", "eventLabel"],
         ["eventLabel", "userType", "eventCategory", "eventAction"]),
        (["date", "browser", "datetime"], ["date", "datetime", "browser"]),
        (["pagePath", "pageTitle"], ["pageTitle", "pagePath"]),
        (["date", "country", "datetime"], ["date", "country", "datetime"]),
    ],
)
def test_example_94_default_id_dimension_order(inserted, iterated):
    assert py2_order(inserted) == iterated


def test_golden_four_dimension_order():
    # ga--govuk--browsers: humanId ..._11.3_7.0_iOS_(not set)
    dims = ["browser", "browserVersion", "operatingSystem", "operatingSystemVersion"]
    assert py2_order(dims) == [
        "operatingSystemVersion", "browserVersion", "operatingSystem", "browser",
    ]


def test_items_and_values_follow_py2_order():
    dims = {"browser": "Chrome", "browserVersion": "9"}
    assert py2_items(dims) == [("browserVersion", "9"), ("browser", "Chrome")]
    assert py2_values(dims) == ["9", "Chrome"]


def test_table_growth_and_sizes():
    table = Py2Table()
    for index, key in enumerate("abcdef", start=1):
        table.add(key)
        assert table.size == (8 if index < 6 else 32)  # 6*3 >= 16: grow to > 4*6
    merged = Py2Table()
    merged.merge("abcdef")  # dict.update / set(dict): sized once to > 2*6
    assert merged.size == 16
    assert sorted(merged) == sorted(table)


def test_reinserting_a_key_does_not_move_it():
    table = Py2Table(["browser", "browserVersion"])
    table.add("browser")
    assert list(table) == ["browserVersion", "browser"]
    assert len(table) == 2


def test_the_well_known_abc_order():
    assert py2_order(["a", "b", "c"]) == ["a", "c", "b"]  # {'a':1,'b':2,'c':3}.keys()


def test_deleted_slot_is_reused_and_others_keep_their_order():
    table = Py2Table(["a", "b", "c"])
    table.discard("b")
    assert list(table) == ["a", "c"]
    assert "b" not in table
    table.add("b")  # lands in its old (now dummy) slot
    assert list(table) == ["a", "c", "b"]
    assert table.size == 8
    with pytest.raises(KeyError) as missing:
        table.discard("zz")
    assert missing.value.args == ("zz",)


def test_discarding_counts_down():
    table = Py2Table(["a", "b", "c", "d"])
    table.discard("b")
    table.discard("c")
    assert len(table) == 2 and list(table) == [k for k in py2_order("abcd") if k in "ad"]


def test_an_insert_takes_the_first_dummy_on_its_probe_path():
    same_home = [key for key in (f"k{i}" for i in range(200)) if py2_hash(key) & 7 == 0][:3]
    first, second, third = same_home
    table = Py2Table([first, second])
    table.discard(first)
    table.add(third)  # slot 0 is a dummy: reused, so third comes first
    assert list(table)[0] == third
    assert set(table) == {second, third}


def test_merged_order_keeps_first_position_of_repeated_keys():
    assert py2_merged_order(["b", "a"], ["a", "c"]) == py2_order(["b", "a", "c"])


def test_non_string_keys_other_than_int_are_refused():
    with pytest.raises(TypeError):
        py2_hash(1.5)


# --- dict order: invariants ---------------------------------------------------------------


@given(key_lists)
def test_iteration_yields_every_key_once(key_list):
    assert sorted(py2_order(key_list)) == sorted(key_list)
    assert len(Py2Table(key_list)) == len(key_list)


@given(key_lists)
def test_order_depends_only_on_the_insertion_sequence(key_list):
    assert py2_order(key_list) == list(Py2Table(list(key_list)))
    assert py2_order(key_list + key_list) == py2_order(key_list)


@given(st.lists(keys, unique=True, max_size=5))
def test_without_collisions_a_small_table_is_ordered_by_hash_and_7(key_list):
    slots = [py2_hash(key) & 7 for key in key_list]
    assume(len(set(slots)) == len(slots))
    assert py2_order(key_list) == sorted(key_list, key=lambda key: py2_hash(key) & 7)


@given(key_lists)
def test_resizing_keeps_all_keys_and_leaves_room(key_list):
    table = Py2Table(key_list)
    assert set(table) == set(key_list)
    assert table.size & (table.size - 1) == 0
    assert len(table) * 3 < table.size * 2 or table.size == 8


@given(key_lists, st.data())
def test_deletion_keeps_relative_order_of_the_rest(key_list, data):
    removed = data.draw(st.sets(st.sampled_from(key_list)) if key_list else st.just(set()))
    table = Py2Table(key_list)
    before = list(table)
    for key in removed:
        table.discard(key)
    assert list(table) == [key for key in before if key not in removed]


@given(key_lists)
def test_merge_holds_the_same_keys_as_one_by_one(key_list):
    merged = Py2Table()
    merged.merge(key_list)
    assert sorted(merged) == sorted(key_list)


# --- text of values (§16.2, #96, sources.md §9.2) ----------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1 + 0.2, "0.3"),  # 96
        (2313.13, "2313.13"),  # 96
        (400000.0, "400000.0"),  # 96
        (1234.0 * 1000, "1234000.0"),  # 96
        (1392933.67857143, "1392933.67857"),
        (2.18740250802944, "2.18740250803"),
        (58561731514050.0, "5.85617315140e+13"),  # half-way case keeps its zero
        # the same at exponents 12 and 14 (rounded down to even), not at 15, nor when
        # rounding up; each checked with CPython 2.7.18
        (1234567890105.0, "1.23456789010e+12"),
        (123456789010500.0, "1.23456789010e+14"),
        (123456789011500.0, "1.23456789012e+14"),
        (1234567890105000.0, "1.2345678901e+15"),
        (1e11, "1e+11"),  # Python 3 '%.12g' gives 100000000000
        (123456789012.0, "1.23456789012e+11"),
        (1e10, "10000000000.0"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (1e100, "1e+100"),
        (-2.5, "-2.5"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (67990.22426682, "67990.2242668"),  # edge--ga-float-metrics-in-idmapping
        (30.89753772835584, "30.8975377284"),
        (0.41302738712065135, "0.413027387121"),
        (float("inf"), "inf"),
        (float("nan"), "nan"),
    ],
)
def test_float_text(value, text):
    assert py2_str(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "None"),
        (True, "True"),
        (False, "False"),
        (12345, "12345"),
        ("Côte d'Ivoire", "Côte d'Ivoire"),
        (dt.datetime(2013, 4, 1, tzinfo=UTC), "2013-04-01 00:00:00+00:00"),
        (dt.datetime(2013, 4, 2), "2013-04-02 00:00:00"),
        (dt.date(2013, 4, 2), "2013-04-02"),
    ],
)
def test_other_value_text(value, text):
    assert py2_str(value) == text


finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@given(finite_floats)
def test_float_text_keeps_twelve_significant_digits(value):
    text = py2_float_str(value)
    assert math.isclose(float(text), value, rel_tol=5e-12, abs_tol=0.0)
    mantissa = text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    assert len(mantissa.rstrip("0")) <= 12


@given(finite_floats)
def test_float_text_agrees_with_12g_apart_from_the_known_quirks(value):
    text = py2_float_str(value)
    assert float(text) == float(f"{value:.12g}")
    if "e" not in text and "inf" not in text:
        assert "." in text


# --- sort order of mixed values (AggregateKey) --------------------------------------------


def test_sort_key_puts_none_first_then_numbers_then_text():
    values = ["b", 2, None, 1.5, "a"]
    assert sorted(values, key=py2_sort_key) == [None, 1.5, 2, "a", "b"]
    assert py2_sort_key(("a", 1)) < py2_sort_key(("a", 2))


@pytest.mark.parametrize("before, merged, size", [
    ([], 5, 8),  # (0 + 5) * 3 < 8 * 2: no resize
    ([], 6, 16),  # (0 + 6) * 3 >= 16: resized for (0 + 6) * 2 keys
    (["a", "b", "c"], 2, 8),
    (["a", "b", "c"], 3, 16),
    ([], 8, 32),  # room for exactly 16 is not enough: dictresize wants more than 16 slots
    ([], 11, 32),
])
def test_merge_presizes_as_python_2_dict_update(before, merged, size):
    """CPython 2.7 ``dict_merge``: resize to fit ``(used + n) * 2`` when
    ``(fill + n) * 3 >= slots * 2``, once, before inserting."""
    table = Py2Table(before)
    table.merge(f"k{i}" for i in range(merged))
    assert (table.size, len(table)) == (size, len(before) + merged)


def test_a_table_of_more_than_50000_keys_grows_twofold():
    """CPython 2.7 ``PyDict_SetItem``: a dict with more than 50,000 keys resizes for
    ``2 * used`` keys instead of ``4 * used``."""
    table = Py2Table(range(174762))
    assert table.size == 262144  # the last fourfold growth (used 43,691)
    table.add(174762)  # the 2/3 mark of 262,144 slots: resized for 349,526 keys
    assert (table.size, len(table)) == (524288, 174763)


def test_growth_is_sized_by_the_keys_in_use_not_the_deleted_ones():
    """Deleted slots count towards the 2/3 mark but the resize is for 4 * used keys: 7 keys
    in use get 32 slots (5 * 7 would give 64)."""
    table = Py2Table()
    table.merge(f"k{i}" for i in range(6))  # 16 slots
    for i in range(4):
        table.discard(f"k{i}")
    for i in range(5):
        table.add(f"n{i}")
    assert (table.size, len(table)) == (32, 7)


def test_a_table_of_exactly_50000_keys_still_grows_fourfold():
    """``used > 50000`` is strict: 50,000 keys in use (deleted slots filling the table up)
    resize for 4 * 50,000 keys, 262,144 slots (2 * 50,000 would keep 131,072)."""
    table = Py2Table()
    table.merge(range(40000))  # 131,072 slots
    for key in range(40000, 50000):
        table.add(key)
    for key in range(40000):  # one out, one in: 50,000 in use while the table fills up
        table.discard(key)
        table.add(1_000_000 + key)
    assert (table.size, len(table)) == (262144, 50000)


def test_keys_with_the_same_hash_are_still_different_keys():
    """In Python 2 ``hash(-1) == hash(-2) == -2``: both keys are kept."""
    table = Py2Table([-1, -2])
    assert len(table) == 2 and sorted(table) == [-2, -1] and -2 in table


def test_the_probe_sequence_shifts_perturb_right():
    """CPython 2.7 ``lookdict`` by hand, 8 slots: 0 -> 0; 8 -> 0 taken, (0*5 + 8 + 1) & 7 = 1;
    16 -> 0, 1 taken, perturb 16 >> 5 = 0, (1*5 + 0 + 1) = 6; 128 -> 0, 1 taken, perturb
    128 >> 5 = 4, (1*5 + 4 + 1) & 7 = 2. Slots 0, 1, 2, 6 hold 0, 8, 128, 16."""
    assert py2_order([0, 8, 16, 128]) == [0, 8, 128, 16]
