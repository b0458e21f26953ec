"""The spend CSV's errors in full (which file, line and column, the ``url`` they carry), a
line break inside a quoted name, and the unknown-sector warning."""

from __future__ import annotations

import logging

import pytest

from performanceplatform.collector.gcloud.records import (
    decode,
    parse_price,
    parse_row,
    parse_sales,
    sector_code,
)
from performanceplatform.utils.errors import SourceError

HEADER = "LotDescription,Return Month,EvidencedSpend,Sector,SME or Large,,SupplierName,CustomerName"
GOOD = "Specialist Cloud Services,01/03/2017,1,Health,SME,,S,C"


def failure_of(text: str) -> SourceError:
    with pytest.raises(SourceError) as failure:
        list(parse_sales(text, "spend.csv"))
    assert failure.value.url == "spend.csv"
    return failure.value


def test_missing_columns_are_all_named():
    error = failure_of("LotDescription,Return Month,Sector\n")
    assert str(error) == ("gcloud: spend.csv has no column 'EvidencedSpend', 'SME or Large', "
                          "'SupplierName', 'CustomerName' in its header line")


def test_a_bad_row_names_its_line():
    error = failure_of(f"{HEADER}\n{GOOD}\nCloud Stuff,01/03/2017,1,Health,SME,,S,C\n")
    assert str(error) == ("gcloud: spend.csv line 3: unknown LotDescription 'Cloud Stuff' "
                          "(known lots: 'Infrastructure as a Service (IaaS)', 'Platform as a "
                          "Service (PaaS)', 'Software as a Service (SaaS)', 'Specialist Cloud "
                          "Services', 'Cloud hosting', 'Cloud software', 'Cloud support')")


def test_a_csv_error_names_its_line():
    huge = "C" * 200_000  # beyond the csv module's field size limit
    error = failure_of(f"{HEADER}\n{GOOD}\n{GOOD[:-1]}{huge}\n")
    assert str(error).startswith("gcloud: spend.csv line ")  # (csv counts the line as 2)
    assert str(error).endswith(": field larger than field limit (131072)")


def test_a_short_row_names_every_missing_value():
    with pytest.raises(ValueError) as failure:
        parse_row({"LotDescription": "x", "Return Month": "01/03/2017"})
    assert str(failure.value) == ("missing value for EvidencedSpend, Sector, SME or Large, "
                                  "SupplierName, CustomerName")


def test_an_undecodable_byte_carries_the_source():
    with pytest.raises(SourceError) as failure:
        decode(b"a\nb\x81", "spend.csv")
    assert failure.value.url == "spend.csv"
    assert str(failure.value) == "gcloud: spend.csv line 2: byte 0x81 is not cp1252 text"


def test_a_line_break_inside_a_quoted_name_is_kept():
    [sale] = parse_sales(f'{HEADER}\r\n{GOOD[:-1]}"City\r\nCouncil"\r\n', "spend.csv")
    assert sale.customer_name == "City\r\nCouncil"


@pytest.mark.parametrize("text", ["1_000", "£1_000.00"])
def test_underscores_are_not_numbers(text):
    with pytest.raises(ValueError) as failure:
        parse_price(text)
    assert str(failure.value) == f"EvidencedSpend is not a number: {text!r}"


def test_an_unknown_sector_is_logged(caplog):
    with caplog.at_level(logging.WARNING):
        sector_code("Martian Government")
    assert caplog.messages == ['Unknown sector: "Martian Government"']


def test_a_file_with_carriage_returns_alone_as_line_ends_is_read():
    """Spreadsheets saved as "CSV (Macintosh)" end their lines with a bare CR."""
    sales = list(parse_sales(f"{HEADER}\r{GOOD}\r{GOOD.replace(',1,', ',2,')}\r", "spend.csv"))
    assert [(sale.customer_name, sale.total_ex_vat) for sale in sales] == [("C", 1), ("C", 2)]
