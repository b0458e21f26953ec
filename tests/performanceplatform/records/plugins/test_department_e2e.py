"""The real CLI against the sandbox: department codes become slugs with no table supplied."""

from __future__ import annotations

import pytest

from tests.helpers import stored
from tests.performanceplatform.google import keys

NO_TABLE = {"PP_COLLECTOR_DEPARTMENTS": ""}  # whatever the developer's shell says


@pytest.fixture
def credentials(run_cli, service_settings):
    service_settings("google_v3")["rows_per_day"] = 2
    return keys.write_valid_user_credentials(run_cli.write, "dept")


def query_file(entrypoint: str, query: dict, options: dict) -> dict:
    return {"entrypoint": f"performanceplatform.collector.{entrypoint}", "query": query,
            "options": options, "data-set": {"data-group": "dept", "data-type": "table"}}


CONTENT_TABLE = query_file(
    "ga.contrib.content.table",
    {"id": "ga:74473500", "metrics": ["pageviews"], "dimensions": ["pageTitle"],
     "filters": ["pagePath=~^/government"], "sort": ["-pageviews"]},
    {"filtersets": [["customVarValue9=~^<D1>"], ["customVarValue9=~^<EA570>"],
                    ["customVarValue9=~^<ZZ9>"]],
     "plugins": ["ComputeRank('rank')",
                 "ComputeIdFrom('_timestamp', 'timeSpan', 'dataType', 'department', 'rank')"]},
)


def test_a_content_table_config_needs_no_departments_file(sandbox, run_cli, credentials):
    result = run_cli(CONTENT_TABLE, credentials, "-s", "2018-07-30", "-e", "2018-08-05",
                     env=NO_TABLE)
    assert result.code == 0, result.stderr
    records = stored(sandbox, "dept", "table")
    assert [(r["department"], r["rank"]) for r in records] == [
        ("attorney-generals-office", 1), ("attorney-generals-office", 2),
        ("driver-and-vehicle-standards-agency", 1), ("driver-and-vehicle-standards-agency", 2),
        ("<ZZ9>", 1), ("<ZZ9>", 2),  # an unknown code is kept (ga.md §8)
    ]
    assert records[0]["humanId"] == "20180730000000_week_table_attorney-generals-office_1"


def test_set_department_needs_no_departments_file(sandbox, run_cli, credentials):
    query = query_file("ga", {"id": "ga:1", "metrics": ["sessions"], "dimensions": ["browser"]},
                       {"plugins": ["SetDepartment('<D9>')", "ComputeRank('rank')",
                                    "ComputeIdFrom('department', 'rank')"]})
    result = run_cli(query, credentials, "-s", "2018-07-16", "-e", "2018-07-22", env=NO_TABLE)
    assert result.code == 0, result.stderr
    assert [r["humanId"] for r in stored(sandbox, "dept", "table")] == [
        "department-for-transport_1", "department-for-transport_2"]


def test_the_environment_still_overrides_the_shipped_table(sandbox, run_cli, credentials):
    table = run_cli.write("mine.json", {"<D1>": "my-ago", "EA570": "my-dvsa"})
    result = run_cli(CONTENT_TABLE, credentials, "-s", "2018-07-30", "-e", "2018-08-05",
                     env={"PP_COLLECTOR_DEPARTMENTS": str(table)})
    assert result.code == 0, result.stderr
    assert sorted({r["department"] for r in stored(sandbox, "dept", "table")}) == [
        "<ZZ9>", "my-ago", "my-dvsa"]
