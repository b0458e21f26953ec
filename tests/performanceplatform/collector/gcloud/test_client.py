"""Finding the current CSV on the index page (spec sources.md §6.1 step 2, §7.6 #62)."""

from __future__ import annotations

import pytest

from performanceplatform.collector.gcloud.client import (
    check_query,
    current_csv_links,
    parse_latest_csv_url,
)
from performanceplatform.utils.errors import ConfigError, SourceError

CURRENT = "http://gcloud.civilservice.gov.uk/files/2013/11/G-Cloud-Total-Spend-22-11-13.csv"
PAGE = f"""<html><body><div class="entry">
<h2>Sales Information</h2>
<p>&pound;63,459,873 &ndash; current total up to the end of November 2013</p>
<p>Current November 2013 CSV data: <a href="{CURRENT}">G-Cloud spend</a></p>
<ul>
<li>Previous (October 2013) CSV data: <a href="http://gcloud.civilservice.gov.uk/files/2013/10/spend.csv">csv</a>
<li>Previous (September 2013) CSV data: <a href="http://gcloud.civilservice.gov.uk/files/2013/09/spend.csv">csv</a>
</ul>
<p>Current headline figures: <a href="/figures.html">figures</a><br></p>
</div></body></html>"""


def test_the_current_csv_link():  # 62
    assert parse_latest_csv_url(PAGE) == CURRENT


def test_text_after_the_link_counts_when_it_is_the_first_text():
    page = '<div><p><a href="a.csv">x</a> Current data</p></div>'
    assert current_csv_links(page) == ["a.csv"]


def test_only_direct_links_of_the_element_count():
    page = '<div>Current data <span><a href="a.csv">x</a></span></div>'
    assert current_csv_links(page) == []


def test_a_relative_link_is_made_absolute():
    page = '<p>Current data: <a href="/files/spend.csv">csv</a></p>'
    assert parse_latest_csv_url(page, "https://example.org/sales/") == (
        "https://example.org/files/spend.csv")


@pytest.mark.parametrize("page,found", [
    ("<p>No spend data here.</p>", "found 0 (none)"),
    ('<p>Current: <a href="a.csv">a</a> <a href="b.csv">b</a></p>', "found 2 (a.csv, b.csv)"),
])
def test_not_exactly_one_link_is_a_source_error(page, found):
    with pytest.raises(SourceError, match=r"csv_url") as caught:
        parse_latest_csv_url(page)
    assert found in str(caught.value)


def test_query_checks_report_every_problem():
    with pytest.raises(ConfigError) as caught:
        check_query({"csv_url": "ftp://x/y.csv", "csv_file": "", "index_url": 3},
                    {"chunk-size": -1})
    message = str(caught.value)
    for key in ("query.csv_url", "query.csv_file", "query.index_url", "options.chunk-size"):
        assert key in message
    assert check_query({}, {}) == 2000
    assert check_query({"csv_file": "x.csv"}, {"chunk-size": 50}) == 50
