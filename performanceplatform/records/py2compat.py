"""Python 2.7 behaviour that record ids depend on.

The original collector ran on CPython 2.7 (64-bit, hash randomisation off). Two of its
habits leak into the ``_id`` of the records it wrote, and a re-run of a migrated collector
must produce the same ids so that Backdrop overwrites old records instead of duplicating
them:

* **Dict and set iteration order.** The default id joins dimension values in the order a
  Python 2 dict yields them. That order comes from an open-addressing hash table: a key's
  home slot is ``hash & mask``, collisions are resolved by a perturbed probe sequence, and
  the table grows when two thirds full. :class:`Py2Table` replays that algorithm (for
  ``dict`` and, with the same algorithm, for 2.7's ``set``) on the keys alone.
* **Text of values.** ``str()``/``unicode()`` of a float keeps 12 significant digits and
  switches to exponent form earlier than Python 3; :func:`py2_str` reproduces it.

Only what ids need is emulated: string (and int) keys, insertion, deletion, resizing, the
bulk-merge pre-sizing of ``dict.update``/``set(a_dict)``; and the text of the scalar values
that end up in ids.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from functools import lru_cache
from typing import Any

_MASK64 = (1 << 64) - 1
_MIN_SIZE = 8
_PERTURB_SHIFT = 5
_EMPTY = object()
_DUMMY = object()


# ---------------------------------------------------------------------------------------
# hashes


def py2_hash(key: Hashable) -> int:
    """``hash(key)`` as 64-bit CPython 2.7 computed it, for str/unicode, int and bool keys.

    Text is hashed per code point (a wide, UCS-4 build): for ASCII this equals the hash of
    the byte string, which is why ``str`` and ``unicode`` keys mix freely in Python 2.
    """
    if isinstance(key, str):
        return _string_hash(key)
    if isinstance(key, bool):
        return int(key)
    if isinstance(key, int):
        return _int_hash(key)
    raise TypeError(f"no Python 2 hash emulation for {type(key).__name__} keys")


@lru_cache(maxsize=4096)
def _string_hash(text: str) -> int:
    if not text:
        return 0
    x = (ord(text[0]) << 7) & _MASK64
    for char in text:
        x = ((1000003 * x) & _MASK64) ^ ord(char)
    x ^= len(text)
    return _signed(x)


def _int_hash(value: int) -> int:
    if -(1 << 63) <= value < (1 << 63):
        return -2 if value == -1 else value
    raise TypeError("no Python 2 hash emulation for longs beyond 64 bits")


def _signed(x: int) -> int:
    x &= _MASK64
    if x >= 1 << 63:
        x -= 1 << 64
    return -2 if x == -1 else x


# ---------------------------------------------------------------------------------------
# the hash table


class Py2Table:
    """The slot table of a CPython 2.7 ``dict`` (or ``set``), holding keys only.

    Iterating yields the keys in the order Python 2 would have iterated the dict built by
    the same sequence of :meth:`add`/:meth:`discard`/:meth:`merge` calls.
    """

    def __init__(self, keys: Iterable[Hashable] = ()) -> None:
        self._slots: list[Any] = [_EMPTY] * _MIN_SIZE
        self._hashes: list[int] = [0] * _MIN_SIZE
        self._fill = 0  # active + dummy slots
        self._used = 0  # active slots
        for key in keys:
            self.add(key)

    @property
    def size(self) -> int:
        """Number of slots (a power of two, at least 8)."""
        return len(self._slots)

    def __len__(self) -> int:
        return self._used

    def __iter__(self):
        return (key for key in self._slots if key is not _EMPTY and key is not _DUMMY)

    def __contains__(self, key: Hashable) -> bool:
        return self._slots[self._lookup(key, py2_hash(key))] not in (_EMPTY, _DUMMY)

    def add(self, key: Hashable) -> None:
        """Insert as ``d[key] = v`` / ``s.add(key)`` do, growing the table when needed."""
        used_before = self._used
        self._insert(key, py2_hash(key))
        if self._used > used_before and self._fill * 3 >= self.size * 2:
            self._resize(self._used * (2 if self._used > 50000 else 4))

    def discard(self, key: Hashable) -> None:
        """Remove as ``del d[key]`` does: the slot becomes a dummy; the table never shrinks."""
        index = self._lookup(key, py2_hash(key))
        if self._slots[index] in (_EMPTY, _DUMMY):
            raise KeyError(key)
        self._slots[index] = _DUMMY
        self._used -= 1

    def merge(self, keys: Iterable[Hashable]) -> None:
        """Insert the keys of another dict as ``d.update(other)`` / ``set(other)`` do.

        Pass the other dict's keys in *its* Python 2 iteration order. The table is sized
        once for all of them up front, then they are inserted without further growth.
        """
        keys = list(keys)
        if (self._fill + len(keys)) * 3 >= self.size * 2:
            self._resize((self._used + len(keys)) * 2)
        for key in keys:
            self._insert(key, py2_hash(key))

    def _lookup(self, key: Hashable, hash_: int) -> int:
        """Slot holding ``key``, else the slot an insert would use (first dummy or empty)."""
        mask = self.size - 1
        index = hash_ & mask
        perturb = hash_ & _MASK64
        free = None
        while True:
            slot = self._slots[index]
            if slot is _EMPTY:
                return index if free is None else free
            if slot is _DUMMY:
                if free is None:
                    free = index
            elif self._hashes[index] == hash_ and slot == key:
                return index
            index = (5 * index + perturb + 1) & mask
            perturb >>= _PERTURB_SHIFT

    def _insert(self, key: Hashable, hash_: int) -> None:
        index = self._lookup(key, hash_)
        slot = self._slots[index]
        if slot is not _EMPTY and slot is not _DUMMY:
            return  # already present: a new value does not move a key
        if slot is _EMPTY:
            self._fill += 1
        self._slots[index] = key
        self._hashes[index] = hash_
        self._used += 1

    def _resize(self, min_used: int) -> None:
        new_size = _MIN_SIZE
        while new_size <= min_used:
            new_size <<= 1
        old = [(key, h) for key, h in zip(self._slots, self._hashes, strict=True)
               if key is not _EMPTY and key is not _DUMMY]
        self._slots = [_EMPTY] * new_size
        self._hashes = [0] * new_size
        self._fill = self._used = 0
        for key, hash_ in old:
            self._insert(key, hash_)


# ---------------------------------------------------------------------------------------
# convenience


@lru_cache(maxsize=4096)
def _order(keys: tuple) -> tuple:
    return tuple(Py2Table(keys))


def py2_order(keys: Iterable[Hashable]) -> list:
    """Python 2 iteration order of a dict (or set) built by inserting ``keys`` one by one."""
    return list(_order(tuple(keys)))


def py2_items(mapping: Mapping) -> list[tuple]:
    """``mapping.items()`` in the order Python 2 would give them.

    ``mapping``'s own (insertion) order is taken as the order its keys were inserted.
    """
    return [(key, mapping[key]) for key in py2_order(mapping)]


def py2_values(mapping: Mapping) -> list:
    """``mapping.values()`` in Python 2 order (see :func:`py2_items`)."""
    return [mapping[key] for key in py2_order(mapping)]


def py2_merged_order(*layers: Iterable[Hashable]) -> list:
    """Order of ``dict(a.items() + b.items() + ...)`` where each layer lists a dict's keys
    in that dict's Python 2 order; a key met again keeps its first slot."""
    keys: list = []
    for layer in layers:
        keys.extend(layer)
    return py2_order(keys)


# ---------------------------------------------------------------------------------------
# text


def py2_str(value: Any) -> str:
    """``unicode(value)`` as Python 2 wrote it, for the values that end up in ids.

    Floats keep 12 significant digits (``0.1 + 0.2`` gives ``0.3``, ``400000.0`` keeps its
    ``.0``), ints are decimal, None is ``None``, booleans ``True``/``False``, datetimes
    ``2013-04-01 00:00:00+00:00`` (aware) or ``2013-04-02 00:00:00`` (naive).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return py2_float_str(value)
    if isinstance(value, bytes):
        return value.decode("ascii")  # Python 2 decoded byte strings as ASCII
    return str(value)  # None, bool, int, date, datetime, time: same text in both versions


def py2_float_str(x: float) -> str:
    """``str(x)`` of a float in Python 2.7: ``'%.12g'`` with Python 2's own quirks.

    * exponent form when the decimal exponent is >= 11 or < -4 (Python 3's ``%.12g``
      waits until 12);
    * ``.0`` appended to integral values written without exponent;
    * an integral value below 1e15 whose 13th digit onwards is exactly half a unit, and
      which rounds down (to even), keeps trailing zeros (``5.85617315140e+13``): that case
      fell through to a digit loop of the dtoa code that does not strip them.
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    x = abs(x)
    if x == 0:
        return sign + "0.0"
    digits, decpt = _twelve_digits(x)
    use_exp = decpt <= -4 or decpt > 11
    if use_exp:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        exp = decpt - 1
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    if decpt >= len(digits):
        return f"{sign}{digits}{'0' * (decpt - len(digits))}.0"
    return f"{sign}{digits[:decpt]}.{digits[decpt:]}"


def _twelve_digits(x: float) -> tuple[str, int]:
    """Significant digits of positive ``x`` rounded to 12, and the decimal point position
    (``x == 0.DIGITS * 10**decpt``)."""
    mantissa, exp_text = f"{x:.11e}".split("e")
    exp = int(exp_text)
    if x.is_integer() and 12 <= exp <= 14:
        kept = _integer_half_way_digits(int(x), exp)
        if kept is not None:
            return kept, exp + 1
    digits = mantissa.replace(".", "").rstrip("0")
    return digits, exp + 1


def _integer_half_way_digits(n: int, exp: int) -> str | None:
    """The 12 leading digits, trailing zeros kept, when ``n`` is exactly half-way between
    two 12-digit values and rounds down (the last kept digit is even); else None."""
    unit = 10 ** (exp - 11)
    head, rest = divmod(n, unit)
    if rest * 2 == unit and head % 2 == 0:
        return str(head)
    return None


# ---------------------------------------------------------------------------------------
# ordering of mixed values


_NUMBER_TYPES = (bool, int, float)


def py2_sort_key(value: Any) -> tuple:
    """A key that sorts values as Python 2's default comparison did, for the mixes that
    show up in records: None first, then numbers, then everything else grouped by type
    name (text of both kinds counts as one type), tuples element by element."""
    if value is None:
        return (0,)
    if isinstance(value, _NUMBER_TYPES):
        return (1, value)
    if isinstance(value, tuple):
        return (2, "tuple", tuple(py2_sort_key(item) for item in value))
    if isinstance(value, (str, bytes)):
        return (2, "unicode", value if isinstance(value, str) else value.decode("ascii"))
    return (2, type(value).__name__, value)
