"""End-to-end: the real CLI runs the G-Cloud collector against the sandbox."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import requests

from performanceplatform.sandbox.gcloud import CSV_URL, make_sales_csv
from tests.helpers import SANDBOX_TOKEN, inject, served, stored

GROUP, TYPE = "gcloud-test", "sales"
OLD = {"_id": "old-record", "_timestamp": "2012-01-01T00:00:00Z", "count": 1}


def query(**keys) -> dict:
    return {"entrypoint": "performanceplatform.collector.gcloud",
            "data-set": {"data-group": GROUP, "data-type": TYPE}, "query": keys,
            "options": {}}


def seed_old_record(sandbox) -> None:
    answer = requests.post(f"{sandbox.url}/data/{GROUP}/{TYPE}", json=[OLD], timeout=10,
                           headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"})
    answer.raise_for_status()


def monthly_totals(data: bytes) -> dict[str, tuple[Decimal, int]]:
    """Spend and rows per ``YYYY_MM``, computed from the CSV independently of the collector."""
    totals: dict[str, tuple[Decimal, int]] = {}
    for row in csv.DictReader(io.StringIO(data.decode("cp1252"), newline="")):
        _, month, year = row["Return Month"].split("/")
        amount = Decimal(row["EvidencedSpend"].replace("£", "").replace(",", ""))
        spend, count = totals.get(f"{year}_{month}", (Decimal(0), 0))
        totals[f"{year}_{month}"] = (spend + amount, count + 1)
    return totals


def check_published(records: list[dict], data: bytes, per_month: int = 40,
                    first_lot: str = "paas") -> None:
    totals = monthly_totals(data)
    assert len(records) == per_month * len(totals)
    # in any order: chunks are POSTed several at a time
    assert f"{min(totals)}_lot{first_lot}_wider-public-sector_large" in {r["_id"] for r in records}
    for month, (spend, count) in totals.items():
        rows = [r for r in records if r["_id"].startswith(month + "_")]
        assert len(rows) == per_month
        assert sum(r["count"] for r in rows) == count
        assert abs(sum(Decimal(str(r["monthly_spend"])) for r in rows) - spend) < Decimal("0.2")
        year, number = month.split("_")
        assert {r["_timestamp"][:10] for r in rows} == {f"{year}-{number}-01"}
    last = [r for r in records if r["_id"].startswith(max(totals) + "_")]
    assert sum(r["cumulative_count"] for r in last) == sum(c for _, c in totals.values())


def test_from_the_index_page_replaces_the_data_set(run_cli, sandbox):
    seed_old_record(sandbox)
    result = run_cli(query(), {})
    assert result.code == 0, result.stderr
    paths = [r["path"] for r in served(sandbox, "gcloud")]
    assert paths == ["/digitalmarketplace.blog.gov.uk/sales-accreditation-information/",
                     CSV_URL.replace("https://", "/")]
    writes = [r["method"] for r in served(sandbox, "backdrop") if r["method"] != "GET"]
    assert writes[-2:] == ["PUT", "POST"]
    records = stored(sandbox, GROUP, TYPE)
    assert "old-record" not in {r["_id"] for r in records}
    check_published(records, make_sales_csv())


def test_from_a_csv_url_in_the_query(run_cli, sandbox, sandbox_config, monkeypatch):
    monkeypatch.setitem(sandbox_config.services, "gcloud",
                        {"months": 3, "rows_per_month": 50, "first_month": "2013-11", "seed": 7})
    result = run_cli(query(csv_url=CSV_URL), {})
    assert result.code == 0, result.stderr
    assert [r["path"] for r in served(sandbox, "gcloud")] == [CSV_URL.replace("https://", "/")]
    records = stored(sandbox, GROUP, TYPE)
    check_published(records, make_sales_csv(3, 50, "2013-11", 7))
    assert records[0]["_id"] == "2013_11_lotpaas_wider-public-sector_large"


def test_from_a_csv_file_in_chunks(run_cli, sandbox, tmp_path):
    data = make_sales_csv(months=2, rows_per_month=10, first_month="2016-12", seed=3)
    (tmp_path / "spend.csv").write_bytes(data)
    q = query(csv_file="spend.csv")
    q["options"] = {"chunk-size": 30}
    result = run_cli(q, {})
    assert result.code == 0, result.stderr
    assert served(sandbox, "gcloud") == []
    posts = [r for r in served(sandbox, "backdrop") if r["method"] == "POST"]
    assert len(posts) == 3  # 80 records in chunks of 30
    check_published(stored(sandbox, GROUP, TYPE), data)


def test_a_failed_download_leaves_the_data_set_alone(run_cli, sandbox):
    seed_old_record(sandbox)
    seeded = len(served(sandbox, "backdrop"))
    inject(sandbox, service="gcloud", status=503, count=10, path="/www.gov.uk/")
    result = run_cli(query(), {})
    assert result.code == 1
    (line,) = [line for line in result.stderr.splitlines() if "error" in line]
    assert "HTTP 503" in line and "G-Cloud_spend_data.csv" in line
    writes = served(sandbox, "backdrop")[seeded:]
    assert [r for r in writes if r["method"] in ("PUT", "POST")] == []
    assert [r["_id"] for r in stored(sandbox, GROUP, TYPE)] == ["old-record"]


def test_an_index_page_without_a_csv_link_says_what_to_do(run_cli, sandbox, sandbox_config,
                                                          monkeypatch):
    monkeypatch.setitem(sandbox_config.services, "gcloud", {"index": "no-link"})
    result = run_cli(query(), {})
    assert result.code == 1
    assert "csv_url" in result.stderr and "found 0" in result.stderr


def test_a_malformed_csv_names_the_line_and_writes_nothing(run_cli, sandbox, tmp_path):
    seed_old_record(sandbox)
    data = make_sales_csv(months=1, rows_per_month=5).replace(b"/2017,", b"/17,", 1)
    (tmp_path / "bad.csv").write_bytes(data)
    result = run_cli(query(csv_file=str(tmp_path / "bad.csv")), {})
    assert result.code == 1
    (line,) = [line for line in result.stderr.splitlines() if "error" in line]
    assert "bad.csv line 2:" in line and "dd/mm/yyyy" in line
    assert [r["_id"] for r in stored(sandbox, GROUP, TYPE)] == ["old-record"]


def test_dry_run_writes_nothing(run_cli, sandbox):
    result = run_cli(query(), {}, "--dry-run")
    assert result.code == 0, result.stderr
    assert [r for r in served(sandbox, "backdrop") if r["method"] != "GET"] == []


def test_todays_lots_are_published(run_cli, sandbox, service_settings):
    service_settings("gcloud").update({"lots": "g-cloud-9", "months": 2, "first_month": "2024-03"})
    result = run_cli(query(csv_url=CSV_URL), {})
    assert result.code == 0, result.stderr
    records = stored(sandbox, GROUP, TYPE)
    check_published(records, make_sales_csv(2, first_month="2024-03", lots="g-cloud-9"),
                    per_month=30, first_lot="hosting")
    assert {r["lot"] for r in records} == {"Cloud hosting", "Cloud software", "Cloud support"}
    assert records[-1]["_id"] == "2024_04_lotsupport_central-gov_sme"


def test_a_file_spanning_g_cloud_8_and_9_publishes_both_sets_of_lots(run_cli, sandbox,
                                                                     service_settings):
    service_settings("gcloud").update({"lots": "mixed", "months": 2})
    result = run_cli(query(csv_url=CSV_URL), {})
    assert result.code == 0, result.stderr
    records = stored(sandbox, GROUP, TYPE)
    check_published(records, make_sales_csv(2, lots="mixed"), per_month=70)
    assert [r["_id"] for r in records[39:41]] == ["2017_03_lotcss_central-gov_sme",
                                                  "2017_03_lothosting_wider-public-sector_large"]


def test_an_unknown_lot_names_the_lot_and_the_line_and_writes_nothing(run_cli, sandbox,
                                                                      tmp_path):
    seed_old_record(sandbox)
    data = make_sales_csv(months=1, rows_per_month=5, lots="g-cloud-9")
    lines = data.split(b"\r\n")
    lines[4] = b"Cloud brokerage" + lines[4][lines[4].index(b","):]
    (tmp_path / "spend.csv").write_bytes(b"\r\n".join(lines))
    result = run_cli(query(csv_file=str(tmp_path / "spend.csv")), {})
    assert result.code == 1
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "error" in line]
    assert "spend.csv line 5: unknown LotDescription 'Cloud brokerage'" in line
    assert "'Cloud hosting'" in line  # what it would have accepted
    assert [r["_id"] for r in stored(sandbox, GROUP, TYPE)] == ["old-record"]
