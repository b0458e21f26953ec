"""The pipeline writes through the data-set object, so the local stores (``--store``) get
the same records in the same order at any concurrency."""

from __future__ import annotations

from tests.performanceplatform.collector.webtrends.test_e2e import CREDENTIALS_V2
from tests.performanceplatform.collector.webtrends.test_e2e import query as webtrends_query

QUERY = webtrends_query("webtrends.reports", "browsers",
                        {"row_type_name": "browser", "chunk-size": 5,
                         "idMapping": ["dataType", "_timestamp", "browser"]}, "aK4SbIcXwb7")


def test_a_back_fill_into_a_jsonl_store_is_the_same_at_concurrency_1_and_4(run_cli):
    written = []
    for concurrency in ("1", "4"):
        target = run_cli.workdir / f"records-{concurrency}.jsonl"
        args = ["-q", str(run_cli.write("query.json", QUERY)),
                "-c", str(run_cli.write("credentials.json", CREDENTIALS_V2)),
                "-s", "2018-08-01", "-e", "2018-08-09", "--console-logging",
                "--store", f"jsonl:///{target.name}", "--concurrency", concurrency]
        result = run_cli(args=args)
        assert result.code == 0, result.stderr
        written.append(target.read_text(encoding="utf-8").splitlines())
    assert len(written[0]) > 9 and written[1] == written[0]
