"""Sales become the published records: 40 per month (4 lots × 5 sectors × SME/large).

For every month found in the CSV and every lot, sector and supplier type — including
combinations without sales — one record holds the month's spend and invoice count and the
cumulative spend and count up to and including that month.

The lots are those of the G-Cloud generations the CSV holds: the original's four (G-Cloud 1
to 8) when it has any of them, the three of G-Cloud 9 onwards when it has any of those (30
records a month; 70 for a file with both). A file of old lots only, as every file the
original read, gives exactly the original's records.

The sums are those the original's SQLite queries gave: values added one by one in file
order (no compensated summation), then rounded to cents by SQLite's ``round(x, 2)`` of the
time (see ``sqlite_round``); no sales gives ``0.0``.
``cumulative_count`` is a float and ``count`` an int, as the original published them. The
records come out month by month, each month in the original's order of lots, sectors and
types (the Python 2 dict order of its lookup tables).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any

from performanceplatform.collector.gcloud.records import Sale

ORIGINAL_LOT_NAMES = {  # G-Cloud 1 to 8, in the original's order
    "paas": "Cloud Platform as a Service (PaaS)",
    "iaas": "Cloud Infrastructure as a Service (IaaS)",
    "saas": "Cloud Software as a Service (SaaS)",
    "css": "Cloud Support Services (CSS)",
}
CURRENT_LOT_NAMES = {  # G-Cloud 9 onwards, the Digital Marketplace's names and order
    "hosting": "Cloud hosting",
    "software": "Cloud software",
    "support": "Cloud support",
}
LOT_NAMES = {**ORIGINAL_LOT_NAMES, **CURRENT_LOT_NAMES}
LOT_GENERATIONS = (tuple(ORIGINAL_LOT_NAMES), tuple(CURRENT_LOT_NAMES))
SECTOR_NAMES = {
    "wider-public-sector": "Other wider public sector",
    "unknown-sector": "Unknown",
    "local-gov": "Local government",
    "not-for-profit": "Not for profit",
    "central-gov": "Central government",
}
SUPPLIER_TYPE_NAMES = {"large": "Large enterprises", "sme": "Small and medium enterprises"}

Month = tuple[int, int]  # (year, month)
Group = tuple[str, str, str]  # (lot, sector, supplier type)


def spending_group_keys(months: Iterable[Month], lots: Iterable[str] = tuple(ORIGINAL_LOT_NAMES)
                        ) -> Iterator[tuple[Month, Group]]:
    """Every (month, group) pair for these lots, in publishing order."""
    lots = tuple(lots)
    for month in months:
        for lot in lots:
            for sector in SECTOR_NAMES:
                for supplier_type in SUPPLIER_TYPE_NAMES:
                    yield month, (lot, sector, supplier_type)


def plain_sum(values: Iterable[float]) -> float:
    """Left-to-right float addition, as SQLite's SUM did (``sum()`` compensates since 3.12).

    SQLite's SUM kept a plain ``double`` running total until 3.43 (2023), which added
    Kahan-Babuska-Neumaier compensation; this is the 2018 arithmetic.
    """
    total = 0.0
    for value in values:
        total += value
    return total


# SQLite's round(X, 2) before 3.29.0 (2019), i.e. every SQLite the original (2018) could have
# run with, was ``sqlite3AtoF(sqlite3_mprintf("%.2f", X))`` with SQLite's own printf and
# atof. Later releases differ: 3.29 adds a bias of X*3e-16 to the printf rounder (so 1.005
# gives 1.01 there, 1.0 in 2018) and 3.43 rewrote both conversions, so the SQLite linked into
# this Python cannot stand in for it. What follows replays the 3.24.0 code step by step on
# x86-64, whose ``long double`` (SQLite's LONGDOUBLE_TYPE) is the x87 80-bit format; it was
# checked value for value against a build of the 3.24.0 amalgamation (tests pin the results).
_LD_BITS = 64  # significand bits of an x87 long double
# "for(idx=precision, rounder=0.5; idx>0; idx--, rounder*=0.1)" in doubles: 0.005000000000000001
_PRINTF_ROUNDER = 0.5 * 0.1 * 0.1
_PRINTF_DIGITS = 16  # printf emits at most 16 significant digits, then '0's
_LARGEST_INT64 = (1 << 63) - 1


def _long_double(x: Fraction) -> Fraction:
    """``x`` rounded to the nearest x87 long double (64-bit significand, ties to even)."""
    if x == 0:
        return Fraction(0)
    numerator, denominator = abs(x.numerator), x.denominator
    shift = numerator.bit_length() - denominator.bit_length() - _LD_BITS
    while True:  # find the shift that leaves a 64-bit integer part
        scaled_den = denominator << shift if shift >= 0 else denominator
        scaled_num = numerator if shift >= 0 else numerator << -shift
        quotient, remainder = divmod(scaled_num, scaled_den)
        if quotient >= 1 << _LD_BITS:
            shift += 1
        elif quotient < 1 << (_LD_BITS - 1):
            shift -= 1
        else:
            break
    if 2 * remainder > scaled_den or (2 * remainder == scaled_den and quotient & 1):
        quotient += 1
    result = quotient * Fraction(2) ** shift
    return -result if x < 0 else result


def _sqlite_printf_2f(value: float) -> str:
    """SQLite's ``sqlite3_mprintf("%.2f", value)`` (printf.c, etFLOAT), pre-3.29."""
    prefix = "-" if value < 0.0 else ""
    real = _long_double(Fraction(abs(value)) + Fraction(_PRINTF_ROUNDER))
    exponent, scale = 0, Fraction(1)
    for step, power in ((Fraction(1e100), 100), (Fraction(1e10), 10), (Fraction(10), 1)):
        while real >= _long_double(step * scale) and exponent <= 350:
            scale = _long_double(scale * step)
            exponent += power
    real = _long_double(real / scale)
    while real < Fraction(1e-8):
        real = _long_double(real * 100000000)
        exponent -= 8
    while real < 1:
        real = _long_double(real * 10)
        exponent -= 1
    significant = _PRINTF_DIGITS

    def next_digit() -> str:  # et_getdigit()
        nonlocal real, significant
        if significant <= 0:
            return "0"
        significant -= 1
        digit = int(real)
        real = _long_double(_long_double(real - digit) * 10)
        return chr(ord("0") + digit)

    out = [prefix]
    if exponent < 0:
        out.append("0")
    else:
        out.extend(next_digit() for _ in range(exponent + 1))
    out.append(".")
    precision = 2
    for _ in range(exponent + 1, 0):  # zeros between the point and the first digit
        out.append("0")
        precision -= 1
    out.extend(next_digit() for _ in range(precision))
    return "".join(out)


def _sqlite_atof(text: str) -> float:
    """SQLite's ``sqlite3AtoF`` for printf's ``-ddd.dd`` output, pre-3.43: an int64
    significand scaled by a long-double power of ten, then narrowed to double."""
    sign, rest = (-1, text[1:]) if text.startswith("-") else (1, text)
    whole, _, fraction = rest.partition(".")
    significand, exponent = 0, 0
    for digit in whole:
        if significand < (_LARGEST_INT64 - 9) // 10:
            significand = significand * 10 + int(digit)
        else:
            exponent += 1
    for digit in fraction:
        if significand < (_LARGEST_INT64 - 9) // 10:
            significand = significand * 10 + int(digit)
            exponent -= 1
    if significand == 0:
        return -0.0 if sign < 0 else 0.0
    while exponent > 0 and significand < _LARGEST_INT64 // 10:
        significand, exponent = significand * 10, exponent - 1
    while exponent < 0 and significand % 10 == 0:
        significand, exponent = significand // 10, exponent + 1
    if exponent == 0:
        return float(sign * significand)
    power, factor, remaining = Fraction(1), Fraction(10), abs(exponent)  # sqlite3Pow10()
    while True:
        if remaining & 1:
            power = _long_double(power * factor)
        remaining >>= 1
        if remaining == 0:
            break
        factor = _long_double(factor * factor)
    scaled = Fraction(significand) / power if exponent < 0 else significand * power
    return float(_long_double(sign * scaled))  # long double -> double: a second rounding


def sqlite_round(value: float) -> float:
    """``ROUND(value, 2)`` as the original's SQLite (3.7 to 3.28) computed it.

    Mostly the exact binary value rounded to cents, halves away from zero, but not always:
    printf adds a rounder of 0.005000000000000001 in 80-bit arithmetic (so 0.004999999999999999
    gives 0.01, and a true half such as 716877.375 can lose the rounder's last bits and give
    716877.37), keeps 16 significant digits (123456789012345.67 gives 123456789012345.6), and
    atof rounds twice. ``-0.0`` comes out for tiny negative values, as in SQLite.
    """
    if value != value or value in (float("inf"), float("-inf")):
        return value
    return _sqlite_atof(_sqlite_printf_2f(value))


def rounded_total(values: list[float]) -> float:
    """The rounded sum of ``values``, ``0.0`` for none. A ``-0.0`` from ``sqlite_round``
    published as ``0.0``: the original stored it in a REAL column, where SQLite keeps an
    integral float as an integer, so it read back ``0.0``."""
    return sqlite_round(plain_sum(values)) + 0.0 if values else 0.0


def make_aggregated_sales_row(month: Month, group: Group, monthly_spend: float, count: int,
                              cumulative_spend: float, cumulative_count: float
                              ) -> dict[str, Any]:
    """One published record, keys in the original's order."""
    (year, month_number), (lot, sector, supplier_type) = month, group
    return {
        "_id": f"{year:04d}_{month_number:02d}_lot{lot}_{sector}_{supplier_type}",
        "_timestamp": f"{year:04d}-{month_number:02d}-01T00:00:00Z",
        "lot": LOT_NAMES[lot],
        "sector": SECTOR_NAMES[sector],
        "sme_large": SUPPLIER_TYPE_NAMES[supplier_type],
        "monthly_spend": monthly_spend,
        "count": count,
        "cumulative_spend": cumulative_spend,
        "cumulative_count": cumulative_count,
    }


def published_lots(seen: Iterable[str]) -> list[str]:
    """Every lot of each G-Cloud generation that has a lot in ``seen``, generations in order."""
    seen = set(seen)
    return [lot for generation in LOT_GENERATIONS if seen & set(generation)
            for lot in generation]


def aggregate(sales: Iterable[Sale]) -> list[dict[str, Any]]:
    """The published records for all ``sales`` (which are read once)."""
    by_group: dict[Group, list[tuple[Month, float]]] = defaultdict(list)
    months: set[Month] = set()
    for sale in sales:
        month = (sale.year, sale.month)
        months.add(month)
        by_group[(sale.lot, sale.customer_sector, sale.supplier_type)].append(
            (month, sale.total_ex_vat))
    records = []
    lots = published_lots(lot for lot, _, _ in by_group)
    for month, group in spending_group_keys(sorted(months), lots):
        sold = by_group.get(group, [])
        this_month = [value for when, value in sold if when == month]
        so_far = [value for when, value in sold if when <= month]
        records.append(make_aggregated_sales_row(
            month, group, rounded_total(this_month), len(this_month),
            rounded_total(so_far), float(len(so_far))))
    return records
