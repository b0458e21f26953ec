"""Parsing the spend CSV (spec sources.md §6.1 step 3, §7.6 #63–#74, #84, #85)."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.gcloud.records import (
    Sale,
    decode,
    lot_code,
    parse_month_year,
    parse_price,
    parse_sales,
)
from performanceplatform.sandbox.gcloud import make_sales_csv
from performanceplatform.utils.errors import SourceError

HEADER = "LotDescription,Return Month,EvidencedSpend,Sector,SME or Large,,SupplierName,CustomerName"


def sales(text: str) -> list[Sale]:
    return list(parse_sales(text, "test.csv"))


def test_parse_month_year():  # 84
    assert parse_month_year("01/10/2012") == (10, 2012)
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_month_year("1/10/2012")


@pytest.mark.parametrize("text,value", [("£16,000.00", 16000.0), ("-£16,000.00", -16000.0),
                                        ("540", 540.0), ("429.6", 429.6)])
def test_parse_price(text, value):  # 85
    assert parse_price(text) == value


def test_one_row():
    text = (f"{HEADER}\r\nPlatform as a Service (PaaS),01/03/2017,\"£49,956.44\","
            "Utility (Historic),SME,,Oakfield IT,Leeds City Council\r\n")
    assert sales(text) == [Sale("Leeds City Council", "Oakfield IT", 3, 2017,
                                dt.date(2017, 3, 1), 49956.44, "paas", "wider-public-sector",
                                "sme")]


def test_the_generated_csv_in_the_original_format():  # 63–73, on the synthetic CSV
    rows = sales(decode(make_sales_csv(months=14, rows_per_month=30), "test.csv"))
    assert len(rows) == 420
    assert set(rows[0]._fields) == {"customer_name", "customer_sector", "supplier_name",
                                    "supplier_type", "lot", "month", "year", "total_ex_vat",
                                    "date"}
    assert {r.customer_sector for r in rows} == {"central-gov", "local-gov", "not-for-profit",
                                                 "wider-public-sector", "unknown-sector"}
    assert {r.supplier_type for r in rows} == {"sme", "large"}
    assert {r.lot for r in rows} == {"iaas", "paas", "saas", "css"}
    assert {r.month for r in rows} == set(range(1, 13))
    assert {r.year for r in rows} == {2017, 2018}
    assert all(isinstance(r.total_ex_vat, float) for r in rows)
    assert any("’" in r.customer_name for r in rows)  # cp1252 0x92
    assert any("ü" in r.supplier_name for r in rows)


def test_unknown_sector_is_a_warning(caplog):
    text = f"{HEADER}\nSpecialist Cloud Services,01/03/2017,1,Academy,Large,,S,C\n"
    assert sales(text)[0].customer_sector == "unknown-sector"
    assert 'Unknown sector: "Academy"' in caplog.text


@pytest.mark.parametrize("row,problem", [
    ("Cloud Stuff,01/03/2017,1,Health,SME,,S,C", "unknown LotDescription 'Cloud Stuff'"),
    ("Specialist Cloud Services,2017-03-01,1,Health,SME,,S,C", "dd/mm/yyyy"),
    ("Specialist Cloud Services,01/13/2017,1,Health,SME,,S,C", "no such month"),
    ("Specialist Cloud Services,01/03/2017,n/a,Health,SME,,S,C", "not a number: 'n/a'"),
    # Python 3's float() reads 1_000 as 1000.0; the original's Python 2 refused it
    ("Specialist Cloud Services,01/03/2017,1_000,Health,SME,,S,C", "not a number: '1_000'"),
    ("Cloud support,01/03/2017,£1_000.00,Health,SME,,S,C", "not a number: '£1_000.00'"),
    ("Specialist Cloud Services,01/03/2017,1,Health,Medium,,S,C", "SME or Large 'Medium'"),
    ("Specialist Cloud Services,01/03/2017,1", "missing value for"),
])
def test_a_bad_row_names_its_line(row, problem):
    text = f"{HEADER}\nSpecialist Cloud Services,01/03/2017,1,Health,SME,,S,C\n{row}\n"
    with pytest.raises(SourceError) as caught:
        sales(text)
    assert "test.csv line 3: " in str(caught.value)
    assert problem in str(caught.value)


def test_a_missing_column_is_named():
    with pytest.raises(SourceError, match="'EvidencedSpend'"):
        sales("LotDescription,Return Month,Sector,SME or Large,SupplierName,CustomerName\n")


def test_bytes_that_are_not_cp1252_name_their_line():
    data = f"{HEADER}\r\nx\r\n".encode("cp1252") + b"\x81\r\n"
    with pytest.raises(SourceError, match=r"test.csv line 3: byte 0x81"):
        decode(data, "test.csv")


def test_a_leading_utf8_byte_order_mark_is_dropped():
    row = "Software as a Service (SaaS),01/03/2013,£1.5,Central Government,SME,,Zürich,C"
    data = b"\xef\xbb\xbf" + f"{HEADER}\r\n{row}\r\n".encode("cp1252")
    text = decode(data, "test.csv")
    assert text.startswith("LotDescription,")
    (sale,) = sales(text)
    assert (sale.lot, sale.total_ex_vat, sale.supplier_name) == ("saas", 1.5, "Zürich")


def test_a_byte_order_mark_elsewhere_is_left_alone():
    data = f"{HEADER}\r\n".encode("cp1252") + b"\xef\xbb\xbf"
    assert decode(data, "test.csv").endswith("\r\nï»¿")


@pytest.mark.parametrize(("text", "code"), [
    ("Cloud hosting", "hosting"), ("Cloud software", "software"), ("Cloud support", "support"),
    ("Cloud Hosting", "hosting"), ("CLOUD SUPPORT", "support"), ("Cloud  software ", "software"),
    ("Infrastructure as a Service (IaaS)", "iaas"), ("Specialist Cloud Services", "css"),
])
def test_lots_of_g_cloud_9_onwards_and_of_the_original(text, code):
    assert lot_code(text) == code


def test_todays_lots_in_a_csv():
    text = (f"{HEADER}\r\nCloud hosting,01/05/2024,\"£1,200.50\",Central Government,SME,,S,C\r\n"
            "Cloud support,01/05/2024,10,Health,Large,,S,C\r\n")
    assert [(sale.lot, sale.total_ex_vat) for sale in sales(text)] == [("hosting", 1200.5),
                                                                       ("support", 10.0)]


def test_an_unknown_lot_names_every_known_one():
    with pytest.raises(ValueError) as caught:
        lot_code("Cloud brokerage")
    message = str(caught.value)
    assert message.startswith("unknown LotDescription 'Cloud brokerage' (known lots: ")
    for name in ("Specialist Cloud Services", "Cloud hosting", "Cloud software",
                 "Cloud support"):
        assert repr(name) in message
