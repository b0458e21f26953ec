"""Rows of the G-Cloud spend CSV become sales (one per invoice line).

The CSV is cp1252 text with the columns ``LotDescription``, ``Return Month`` (``dd/mm/yyyy``),
``EvidencedSpend`` (``£`` and thousands separators allowed), ``Sector``, ``SME or Large``,
``SupplierName`` and ``CustomerName``. Codes are the original's: lots ``iaas``/``paas``/
``saas``/``css`` (G-Cloud 1 to 8); sectors ``central-gov``, ``local-gov``,
``not-for-profit``, ``wider-public-sector`` and ``unknown-sector``; supplier types
``sme``/``large``. The lots of G-Cloud 9 onwards (``Cloud hosting``, ``Cloud software``,
``Cloud support``, the Digital Marketplace's lot names in any letter case) are ``hosting``,
``software`` and ``support``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from performanceplatform.utils.errors import SourceError

log = logging.getLogger(__name__)

ENCODING = "cp1252"
COLUMNS = ("LotDescription", "Return Month", "EvidencedSpend", "Sector", "SME or Large",
           "SupplierName", "CustomerName")

LOTS = {  # G-Cloud 1 to 8: the original's table, matched exactly
    "Infrastructure as a Service (IaaS)": "iaas",
    "Platform as a Service (PaaS)": "paas",
    "Software as a Service (SaaS)": "saas",
    "Specialist Cloud Services": "css",
}
# G-Cloud 9 onwards. The Digital Marketplace names its three lots "Cloud hosting", "Cloud
# software" and "Cloud support" (digitalmarketplace-api, migrations/versions/790_add_g9_lots.py;
# its frameworks repository writes "Cloud Hosting" ...), so these match in any letter case.
CURRENT_LOTS = {
    "Cloud hosting": "hosting",
    "Cloud software": "software",
    "Cloud support": "support",
}
_CURRENT_LOTS_FOLDED = {name.casefold(): code for name, code in CURRENT_LOTS.items()}
SECTORS = {
    "Central Government": "central-gov",
    "Local Government": "local-gov",
    "Not for Profit": "not-for-profit",
    **dict.fromkeys(("Health", "Fire and Rescue", "Devolved Administrations", "Education",
                     "Police", "Defence", "Wider Public Sector", "Utility (Historic)"),
                    "wider-public-sector"),
    "Private Sector": "unknown-sector",
}
SUPPLIER_TYPES = {"SME": "sme", "Large": "large"}
UNKNOWN_SECTOR = "unknown-sector"

_MONTH_YEAR = re.compile(r"\d{2}/(\d{2})/(\d{4})$")


class Sale(NamedTuple):
    customer_name: str
    supplier_name: str
    month: int
    year: int
    date: dt.date
    total_ex_vat: float
    lot: str
    customer_sector: str
    supplier_type: str


def parse_month_year(text: str) -> tuple[int, int]:
    """``'01/10/2012'`` → ``(10, 2012)``; the day is not used."""
    match = _MONTH_YEAR.match(text)
    if not match:
        raise ValueError(f"Return Month is not in the format 'dd/mm/yyyy': {text!r}")
    return int(match.group(1)), int(match.group(2))


def parse_price(text: str) -> float:
    """``'£16,000.00'`` → ``16000.0``; ``'-£16,000.00'`` → ``-16000.0``."""
    cleaned = text.replace("£", "").replace(",", "")
    if "_" in cleaned:  # Python 3 reads 1_000 as a number; the original did not
        raise ValueError(f"EvidencedSpend is not a number: {text!r}")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"EvidencedSpend is not a number: {text!r}")


def _code(table: Mapping[str, str], column: str, value: str) -> str:
    try:
        return table[value]
    except KeyError:
        raise ValueError(f"unknown {column} {value!r}")


def lot_code(value: str) -> str:
    """The code of a ``LotDescription``; ValueError naming it and the known lots."""
    code = LOTS.get(value) or _CURRENT_LOTS_FOLDED.get(" ".join(value.split()).casefold())
    if code is None:
        known = ", ".join(repr(name) for name in [*LOTS, *CURRENT_LOTS])
        raise ValueError(f"unknown LotDescription {value!r} (known lots: {known})")
    return code


def sector_code(value: str) -> str:
    code = SECTORS.get(value)
    if code is None:
        log.warning('Unknown sector: "%s"', value)
        return UNKNOWN_SECTOR
    return code


def parse_row(row: Mapping[str, str | None]) -> Sale:
    """One CSV row (a ``DictReader`` dict) as a ``Sale``; ValueError names what is wrong."""
    missing = [name for name in COLUMNS if row.get(name) is None]
    if missing:
        raise ValueError(f"missing value for {', '.join(missing)}")
    month, year = parse_month_year(row["Return Month"])
    try:
        first_day = dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f"Return Month has no such month: {row['Return Month']!r}")
    return Sale(
        customer_name=row["CustomerName"],
        supplier_name=row["SupplierName"],
        month=month,
        year=year,
        date=first_day,
        total_ex_vat=parse_price(row["EvidencedSpend"]),
        lot=lot_code(row["LotDescription"]),
        customer_sector=sector_code(row["Sector"]),
        supplier_type=_code(SUPPLIER_TYPES, "SME or Large", row["SME or Large"]),
    )


UTF8_BOM = b"\xef\xbb\xbf"


def decode(data: bytes, source: str) -> str:
    """The CSV's text (cp1252, as published); an undecodable byte names its line.

    A leading UTF-8 byte-order mark (as spreadsheet programs write) is dropped: cp1252 would
    turn it into ``ï»¿`` glued to the first column's name, and the original then failed on a
    missing ``LotDescription``. No file the original read has one, so no record changes.
    """
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceError(f"gcloud: {source} line {line}: byte 0x{data[exc.start]:02x} is not "
                          f"{ENCODING} text", url=source)


def parse_sales(text: str, source: str) -> Iterator[Sale]:
    """Every sale of the CSV, in file order; a bad row is a ``SourceError`` naming its line."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    absent = [name for name in COLUMNS if name not in header]
    if absent:
        raise SourceError(f"gcloud: {source} has no column {', '.join(map(repr, absent))} "
                          "in its header line", url=source)
    try:
        for row in reader:
            try:
                yield parse_row(row)
            except ValueError as exc:
                raise SourceError(f"gcloud: {source} line {reader.line_num}: {exc}", url=source)
    except csv.Error as exc:
        raise SourceError(f"gcloud: {source} line {reader.line_num}: {exc}", url=source)
