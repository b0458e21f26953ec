"""The G-Cloud double: the index page, and the synthetic spend CSV."""

from __future__ import annotations

import csv
import io

import requests

from performanceplatform.collector.gcloud.client import parse_latest_csv_url
from performanceplatform.sandbox.gcloud import CSV_URL, INDEX_PATH, make_sales_csv


def test_the_index_page_links_the_csv(sandbox):
    page = requests.get(sandbox.url + INDEX_PATH, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert parse_latest_csv_url(page.text) == CSV_URL


def test_the_csv_in_the_original_format(sandbox, sandbox_config, monkeypatch):
    monkeypatch.setitem(sandbox_config.services, "gcloud", {"months": 2, "rows_per_month": 7})
    answer = requests.get(CSV_URL.replace("https://", sandbox.url + "/"), timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "text/csv"
    assert answer.content == make_sales_csv(months=2, rows_per_month=7)
    assert b"\r\n" in answer.content and b"\xa3" in answer.content  # CRLF, cp1252 pound
    rows = list(csv.reader(io.StringIO(answer.content.decode("cp1252"), newline="")))
    assert rows[0] == ["LotDescription", "Return Month", "EvidencedSpend", "Sector",
                       "SME or Large", "", "SupplierName", "CustomerName"]
    assert len(rows) == 1 + 14
    assert {row[1][3:] for row in rows[1:]} == {"03/2017", "04/2017"}


def test_the_csv_is_deterministic_and_seeded():
    assert make_sales_csv(seed=1) == make_sales_csv(seed=1)
    assert make_sales_csv(seed=1) != make_sales_csv(seed=2)


def test_an_index_page_without_a_link(sandbox, sandbox_config, monkeypatch):
    monkeypatch.setitem(sandbox_config.services, "gcloud", {"index": "no-link"})
    page = requests.get(sandbox.url + INDEX_PATH, timeout=10).text
    assert ".csv" in page and "Current" not in page


def test_unknown_paths_are_404(sandbox):
    answer = requests.get(sandbox.url + "/www.gov.uk/government/uploads/system/uploads/"
                          "attachment_data/file/1/readme.txt", timeout=10)
    assert answer.status_code == 404


def lots_served(sandbox) -> set[str]:
    answer = requests.get(CSV_URL.replace("https://", sandbox.url + "/"), timeout=10)
    assert answer.status_code == 200
    rows = csv.DictReader(io.StringIO(answer.content.decode("cp1252"), newline=""))
    return {row["LotDescription"] for row in rows}


def test_todays_lots_as_the_digital_marketplace_names_them(sandbox, service_settings):
    assert lots_served(sandbox) == {
        "Infrastructure as a Service (IaaS)", "Platform as a Service (PaaS)",
        "Software as a Service (SaaS)", "Specialist Cloud Services"}
    service_settings("gcloud")["lots"] = "g-cloud-9"
    assert lots_served(sandbox) == {"Cloud hosting", "Cloud software", "Cloud support"}
    service_settings("gcloud")["lots"] = "mixed"
    assert len(lots_served(sandbox)) == 7

