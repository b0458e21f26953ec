"""Aggregating sales into published records (spec sources.md §6.1 step 4, §7.6 #75–#81)."""

from __future__ import annotations

import datetime as dt

import pytest

from performanceplatform.collector.gcloud.aggregate import (
    aggregate,
    make_aggregated_sales_row,
    published_lots,
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


def test_todays_lots_give_thirty_rows_a_month():
    records = aggregate([sale(2024, 5, 10.0, lot="software"), sale(2024, 6, 5.0, lot="hosting")])
    assert len(records) == 60
    assert records[0]["_id"] == "2024_05_lothosting_wider-public-sector_large"
    assert records[29]["_id"] == "2024_05_lotsupport_central-gov_sme"
    sold = [r for r in records if r["count"]]
    assert [(r["_id"], r["lot"], r["monthly_spend"]) for r in sold] == [
        ("2024_05_lotsoftware_central-gov_sme", "Cloud software", 10.0),
        ("2024_06_lothosting_central-gov_sme", "Cloud hosting", 5.0)]
    june_software = [r for r in records if r["_id"] == "2024_06_lotsoftware_central-gov_sme"]
    assert june_software[0]["cumulative_spend"] == 10.0


def test_lots_published_are_those_of_the_generations_in_the_file():
    assert published_lots(["css"]) == ["paas", "iaas", "saas", "css"]
    assert published_lots(["support"]) == ["hosting", "software", "support"]
    assert published_lots(["support", "iaas"]) == ["paas", "iaas", "saas", "css",
                                                   "hosting", "software", "support"]
    mixed = aggregate([sale(2017, 6, 1.0, lot="saas"), sale(2017, 6, 2.0, lot="hosting")])
    assert len(mixed) == 70
    assert [r["_id"] for r in mixed[39:41]] == ["2017_06_lotcss_central-gov_sme",
                                                "2017_06_lothosting_wider-public-sector_large"]


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


# ROUND(x, 2) of SQLite 3.24.0 (June 2018, x86-64), the SQLite of the original's time, for
# each value: recorded from a build of its amalgamation. SQLite 3.29+ gives 1.01, 2.68 and 0.29
# for the first three (it biases its printf rounder by x*3e-16); the 2018 SQLite did not.
SQLITE_3_24_ROUND = [
    (1.005, 1.0),  # 1.00499999999999989... in binary
    (2.675, 2.67),
    (0.285, 0.28),
    (0.625, 0.63),  # exact halves go away from zero...
    (-0.625, -0.63),
    (1234.5678, 1234.57),
    (716877.375, 716877.37),  # ...unless the 80-bit sum drops the rounder's excess
    (-979615.625, -979615.62),
    (0.004999999999999999, 0.01),  # the rounder is 0.005000000000000001
    (-0.004999999999999999, -0.01),
    (100.26, 100.26),
    (0.0, 0.0),
    (123456789012345.67, 123456789012345.6),  # printf keeps 16 significant digits
    (1000000000000000.4, 1e15),
    (4500000000000000.0, 4.5e15),
    (1e22, 1e22),
    (1.7e308, 1.699999999999999e308),
    (5e-324, 0.0),
]


@pytest.mark.parametrize("value, rounded", SQLITE_3_24_ROUND)
def test_rounding_is_the_2018_sqlite_round(value, rounded):
    result = sqlite_round(value)
    assert result == rounded and repr(result) == repr(rounded)


def test_tiny_negative_sums_round_to_minus_zero_but_publish_zero():
    assert repr(sqlite_round(-1e-17)) == "-0.0"  # SQLite's round() says "-0.00"
    assert repr(sqlite_round(-0.0)) == "0.0"
    # ... but the original stored it in a REAL column, which kept it as the integer 0
    records = aggregate([sale(2013, 3, 0.3), sale(2013, 3, -0.1), sale(2013, 3, -0.2)])
    (row,) = [r for r in records if r["_id"] == "2013_03_lotpaas_central-gov_sme"]
    assert 0.3 - 0.1 - 0.2 < 0
    assert repr(row["monthly_spend"]) == "0.0" and repr(row["cumulative_spend"]) == "0.0"


def test_a_month_sum_of_three_decimals_rounds_like_the_2018_sqlite():
    records = aggregate([sale(2013, 3, 1.0), sale(2013, 3, 0.005), sale(2013, 4, 716877.375)])
    (march, april) = [r for r in records if r["_id"].endswith("_lotpaas_central-gov_sme")]
    assert (march["monthly_spend"], march["cumulative_spend"]) == (1.0, 1.0)  # 1.00499999...
    assert (april["monthly_spend"], april["cumulative_spend"]) == (716877.37, 716878.38)


def test_sums_add_in_file_order_without_compensation():
    # SQLite's SUM added one by one: 1e16 + 1.0 is lost before - 1e16 (math.fsum gives 1.0)
    records = aggregate([sale(2013, 3, 1e16), sale(2013, 3, 1.0), sale(2013, 3, -1e16)])
    assert records[-1]["_id"] == "2013_03_lotcss_central-gov_sme"
    (row,) = [r for r in records if r["_id"] == "2013_03_lotpaas_central-gov_sme"]
    assert row["monthly_spend"] == 0.0 and row["count"] == 3
