"""Python 2's hash of an int: itself within 64 bits (``-1`` is ``-2``), refused beyond."""

from __future__ import annotations

import pytest

from performanceplatform.utils.py2compat import Py2Table, py2_hash


@pytest.mark.parametrize("value, expected", [
    (0, 0), (5, 5), (-1, -2), (-2, -2), (True, 1), (False, 0),
    (-(1 << 63), -(1 << 63)), ((1 << 63) - 1, (1 << 63) - 1),
])
def test_ints_within_64_bits(value, expected):
    assert py2_hash(value) == expected


@pytest.mark.parametrize("value", [1 << 63, -(1 << 63) - 1, 1 << 64, -(1 << 64)])
def test_longs_beyond_64_bits_are_refused(value):
    with pytest.raises(TypeError, match="^no Python 2 hash emulation for longs beyond 64 "
                                        "bits$"):
        py2_hash(value)


def test_other_keys_are_refused():
    with pytest.raises(TypeError, match="^no Python 2 hash emulation for float keys$"):
        py2_hash(1.5)


def test_membership_looks_up_the_key_itself():
    table = Py2Table(["a"])
    assert "a" in table and "b" not in table
