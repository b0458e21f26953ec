"""Aggregating sales into published records (spec sources.md §6.1 step 4, §7.6 #75–#81)."""

from __future__ import annotations

import datetime as dt

from performanceplatform.collector.gcloud.aggregate import (
    aggregate,
    make_aggregated_sales_row,
    spending_group_keys,
    sqlite_round,
)
from performanceplatform.collector.gcloud.records import Sale


def sale(year: int, month: int, value: float, lot="paas", sector="central-gov", size="sme"):
    return Sale("customer", "supplier", month, year, dt.date(year, month, 1), value, lot,
                sector, size)


def test_spending_group_keys_are_distinct():  # 75
    months = [(2009, 9), (2009, 10), (2009, 11), (2009, 12), (2010, 1), (2010, 2)]
    keys = list(spending_group_keys(months))
    assert len(keys) == len(set(keys)) == 5 * 2 * 4 * 6


def test_row_keys_in_the_original_order():  # 78
    row = make_aggregated_sales_row((2009, 1), ("paas", "central-gov", "sme"), 1234.56, 5,
                                    4567.89, 10.0)
    assert list(row) == ["_id", "_timestamp", "lot", "sector", "sme_large", "monthly_spend",
                         "count", "cumulative_spend", "cumulative_count"]
    assert row["_id"] == "2009_01_lotpaas_central-gov_sme"
    assert row["_timestamp"] == "2009-01-01T00:00:00Z"
    assert (row["lot"], row["sector"], row["sme_large"]) == (
        "Cloud Platform as a Service (PaaS)", "Central government",
        "Small and medium enterprises")


def test_forty_rows_a_month_in_the_original_order():
    records = aggregate([sale(2013, 4, 1.0), sale(2013, 3, 2.0)])
    assert len(records) == 80
    assert [r["_id"] for r in records[:3]] == ["2013_03_lotpaas_wider-public-sector_large",
                                               "2013_03_lotpaas_wider-public-sector_sme",
                                               "2013_03_lotpaas_unknown-sector_large"]
    assert records[39]["_id"] == "2013_03_lotcss_central-gov_sme"
    assert records[40]["_id"].startswith("2013_04_")


def test_monthly_and_cumulative_figures():  # 79–81
    records = {r["_id"]: r for r in aggregate([
        sale(2013, 3, 100.01), sale(2013, 4, 10.0), sale(2013, 3, 0.25), sale(2013, 5, 1.0),
        sale(2013, 4, 5.0, lot="css", sector="local-gov", size="large")])}
    march = records["2013_03_lotpaas_central-gov_sme"]
    assert (march["monthly_spend"], march["count"]) == (100.26, 2)
    assert (march["cumulative_spend"], march["cumulative_count"]) == (100.26, 2.0)
    april = records["2013_04_lotpaas_central-gov_sme"]
    assert (april["monthly_spend"], april["count"], april["cumulative_spend"],
            april["cumulative_count"]) == (10.0, 1, 110.26, 3.0)
    empty = records["2013_03_lotcss_local-gov_large"]
    assert (empty["monthly_spend"], empty["count"], empty["cumulative_spend"],
            empty["cumulative_count"]) == (0.0, 0, 0.0, 0.0)
    assert isinstance(empty["count"], int) and isinstance(empty["cumulative_count"], float)
    later = records["2013_05_lotcss_local-gov_large"]
    assert (later["monthly_spend"], later["cumulative_spend"]) == (0.0, 5.0)


def test_rounding_sends_exact_halves_away_from_zero():
    assert sqlite_round(0.625) == 0.63 and sqlite_round(-0.625) == -0.63
    assert sqlite_round(2.675) == 2.67  # 2.67499999... in binary
    assert sqlite_round(1234.5678) == 1234.57


def test_sums_add_in_file_order_without_compensation():
    # SQLite's SUM added one by one: 1e16 + 1.0 is lost before - 1e16 (math.fsum gives 1.0)
    records = aggregate([sale(2013, 3, 1e16), sale(2013, 3, 1.0), sale(2013, 3, -1e16)])
    assert records[-1]["_id"] == "2013_03_lotcss_central-gov_sme"
    (row,) = [r for r in records if r["_id"] == "2013_03_lotpaas_central-gov_sme"]
    assert row["monthly_spend"] == 0.0 and row["count"] == 3
