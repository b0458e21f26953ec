"""Sales become the published records: 40 per month (4 lots × 5 sectors × SME/large).

For every month found in the CSV and every lot, sector and supplier type — including
combinations without sales — one record holds the month's spend and invoice count and the
cumulative spend and count up to and including that month.

The sums are those the original's SQLite queries gave: values added one by one in file
order (no compensated summation), then rounded to cents with halves away from zero; no
sales gives ``0.0``.
``cumulative_count`` is a float and ``count`` an int, as the original published them. The
records come out month by month, each month in the original's order of lots, sectors and
types (the Python 2 dict order of its lookup tables).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from performanceplatform.collector.gcloud.records import Sale

LOT_NAMES = {
    "paas": "Cloud Platform as a Service (PaaS)",
    "iaas": "Cloud Infrastructure as a Service (IaaS)",
    "saas": "Cloud Software as a Service (SaaS)",
    "css": "Cloud Support Services (CSS)",
}
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


def spending_group_keys(months: Iterable[Month]) -> Iterator[tuple[Month, Group]]:
    """Every (month, group) pair, in publishing order."""
    for month in months:
        for lot in LOT_NAMES:
            for sector in SECTOR_NAMES:
                for supplier_type in SUPPLIER_TYPE_NAMES:
                    yield month, (lot, sector, supplier_type)


def plain_sum(values: Iterable[float]) -> float:
    """Left-to-right float addition, as SQLite's SUM did (``sum()`` compensates since 3.12)."""
    total = 0.0
    for value in values:
        total += value
    return total


_ROUNDING = Context(prec=80, rounding=ROUND_HALF_UP)
_CENT = Decimal("0.01")


def sqlite_round(value: float) -> float:
    """``ROUND(value, 2)`` as SQLite computed it: the exact binary value rounded to cents,
    halves away from zero (Python's ``round`` sends exact halves such as 0.625 to even)."""
    return float(Decimal(value).quantize(_CENT, context=_ROUNDING))


def rounded_total(values: list[float]) -> float:
    return sqlite_round(plain_sum(values)) if values else 0.0


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
    for month, group in spending_group_keys(sorted(months)):
        sold = by_group.get(group, [])
        this_month = [value for when, value in sold if when == month]
        so_far = [value for when, value in sold if when <= month]
        records.append(make_aggregated_sales_row(
            month, group, rounded_total(this_month), len(this_month),
            rounded_total(so_far), float(len(so_far))))
    return records
