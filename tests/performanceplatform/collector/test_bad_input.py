"""Bad input, as a table: every file type, every collector, the real ``pp-collector`` process.

Each row starts from a valid run of one collector against the sandbox
(``sandbox_configs.valid_config``) and breaks one thing: a command-line flag, the query file,
the credentials file, the token file, the Backdrop file (``-b``) or the Stagecraft config
behind ``-l``. Every row must give:

- the exit code: 2 for a command-line error, 1 for a config error;
- exactly one error line on stderr (after argparse's usage, for exit 2), naming the file,
  key or URL at fault (matched on those names, not on wording);
- no traceback;
- nothing written to Backdrop: no POST or PUT reached it, and it holds no record.

Rows marked ``xfail(strict=True)`` are defects of issue 7 whose fixes are in flight; when a
fix lands the row passes, the run reports XPASS(strict) as a failure, and the marker is to be
removed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.helpers import OMNISCIENT_TOKEN, SANDBOX_TOKEN, CliRunner, inject, served
from tests.performanceplatform.collector.sandbox_configs import valid_config, window

DROP = object()  # as a value in an edit: remove the key


@dataclass(frozen=True)
class Bad:
    """One row: which collector, what is broken, what the error line must name."""

    collector: str
    names: tuple[str, ...]
    code: int = 1
    query: dict[str, Any] = field(default_factory=dict)        # edits, "a.b" paths
    credentials: dict[str, Any] = field(default_factory=dict)  # edits
    token: dict[str, Any] = field(default_factory=dict)        # edits of {"token": ...}
    backdrop: dict[str, Any] = field(default_factory=dict)     # edits of -b's file
    raw: dict[str, str] = field(default_factory=dict)          # file name -> its whole text
    stagecraft: dict[str, Any] | None = None                   # edits: run with -l instead
    args: tuple[str, ...] | None = None    # the whole command line ({query}... are paths)
    extra: tuple[str, ...] = ()            # added to the generated command line ({tmp})
    fault: dict[str, Any] | None = None    # injected into the sandbox before the run
    env: dict[str, str] = field(default_factory=dict)
    refused_by_backdrop: bool = False      # a POST reaches Backdrop, which must refuse it


def row(case_id: str, collector: str, *names: str, issue: str | None = None,
        found: str | None = None, **changes: Any) -> Any:
    """A table row; ``issue`` marks a defect of issue 7 not fixed yet, ``found`` one this
    suite found that no issue lists yet."""
    reason = f"issue 7: {issue}" if issue else f"found by this suite, not filed: {found}"
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if issue or found else []
    return pytest.param(Bad(collector, names, **changes), id=case_id, marks=marks)


def edit(data: Any, changes: dict[str, Any]) -> Any:
    """``data`` with each ``"a.b.c": value`` change applied (``DROP`` removes the key)."""
    data = copy.deepcopy(data)
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        if value is DROP:
            node.pop(last, None)
        else:
            node[last] = value
    return data


SLUG = "bad-input-slug"
NOWHERE = "/nonexistent/pp-collector"
LOGIN_PAGE = "sales-accreditation-information/"  # an HTML page the sandbox serves with 200

CASES = [
    # -- command-line flags: exit 2 ----------------------------------------------------------
    row("cli-no-arguments", "ga", "-c/--credentials", code=2, args=()),
    row("cli-no-query-nor-slug", "ga", "-q/--query", code=2,
        args=("-c", "{credentials}", "-t", "{token}", "-b", "{backdrop}")),
    row("cli-query-and-slug", "pingdom", "-l/--collector", code=2, extra=("-l", SLUG)),
    row("cli-unknown-flag", "piwik.core", "--frobnicate", code=2, extra=("--frobnicate",)),
    row("cli-start-not-a-date", "ga4", "-s/--start", code=2, extra=("-s", "yesterday-ish")),
    row("cli-end-not-a-date", "webtrends.reports", "-e/--end", code=2,
        extra=("-e", "2018-13-45")),
    row("cli-start-without-value", "gcloud", "-s/--start", code=2, extra=("-s",)),
    row("cli-end-before-start", "ga", "-e/--end", code=2,
        extra=("-s", "2018-08-05", "-e", "2018-08-01")),
    row("cli-start-with-offset-end-without", "piwik.core", "-e/--end", code=2,
        extra=("-s", "2018-08-05T00:00:00+01:00", "-e", "2018-08-01")),
    row("cli-realtime-with-window", "ga4.realtime", "--start/--end", code=2,
        extra=("-s", "2018-08-01", "-e", "2018-08-02")),
    row("cli-log-dir-is-a-file", "pingdom", "token.json", code=2,
        extra=("--log-dir", "{tmp}/token.json")),
    row("env-log-dir-is-a-file", "pingdom", "token.json", code=1,
        env={"PP_COLLECTOR_LOG_DIR": "{tmp}/token.json"}),

    # -- any file: missing, unreadable, not JSON, not an object ------------------------------
    row("file-query-missing", "ga", NOWHERE + "/query.json",
        args=("-c", "{credentials}", "-t", "{token}", "-b", "{backdrop}",
              "-q", NOWHERE + "/query.json")),
    row("file-credentials-missing", "pingdom", NOWHERE + "/creds.json",
        args=("-c", NOWHERE + "/creds.json", "-t", "{token}", "-b", "{backdrop}",
              "-q", "{query}")),
    row("file-token-missing", "piwik.core", NOWHERE + "/token.json",
        args=("-c", "{credentials}", "-t", NOWHERE + "/token.json", "-b", "{backdrop}",
              "-q", "{query}")),
    row("file-backdrop-missing", "gcloud", NOWHERE + "/pp.json",
        args=("-c", "{credentials}", "-t", "{token}", "-b", NOWHERE + "/pp.json",
              "-q", "{query}")),
    row("file-query-is-a-folder", "webtrends.keymetrics", "a-folder.json",
        raw={"a-folder.json/inside": ""},
        args=("-c", "{credentials}", "-t", "{token}", "-b", "{backdrop}",
              "-q", "{tmp}/a-folder.json")),
    row("file-query-not-json", "ga", "query.json", code=2, raw={"query.json": "{nope"}),
    row("file-credentials-not-json", "ga4", "credentials.json", code=2,
        raw={"credentials.json": "token: x"}),
    row("file-token-not-json", "pingdom", "token.json", code=2, raw={"token.json": "abc"}),
    row("file-backdrop-not-json", "piwik.core", "performanceplatform.json", code=2,
        raw={"performanceplatform.json": "{'backdrop_url': 'x'}"}),
    row("file-query-empty", "webtrends.reports", "query.json", code=2,
        raw={"query.json": ""}),
    row("file-query-a-list", "gcloud", "query.json", code=2, raw={"query.json": "[]"}),
    row("file-credentials-a-string", "pingdom-2.0", "credentials.json", code=2,
        raw={"credentials.json": '"secret"'}),
    row("file-token-a-list", "ga.realtime", "token.json", code=2,
        raw={"token.json": '["abc"]'}),

    # -- the query file: the keys every collector needs -------------------------------------
    row("query-no-data-set", "ga", "query.json", "data-set", query={"data-set": DROP}),
    row("query-data-set-a-string", "ga4", "query.json", "data-set",
        query={"data-set": "bad-input/records"}),
    row("query-no-data-group", "pingdom", "query.json", "data-group",
        query={"data-set.data-group": DROP}),
    row("query-no-data-type", "piwik.core", "query.json", "data-type",
        query={"data-set.data-type": DROP}),
    row("query-data-type-a-number", "webtrends.reports", "query.json", "data-type",
        query={"data-set.data-type": 42}),
    row("query-data-group-empty", "gcloud", "query.json", "data-group",
        query={"data-set.data-group": ""}),
    row("query-data-type-empty", "matomo.core", "query.json", "data-type",
        query={"data-set.data-type": ""}),
    row("query-data-type-climbs-out", "ga", "query.json", "data-type",
        query={"data-set.data-type": "../../_sandbox/reset"}),
    row("query-data-group-with-slash", "pingdom", "query.json", "data-group",
        query={"data-set.data-group": "a/b"}),
    row("query-data-type-upper-case-and-space", "piwik.core", "query.json", "data-type",
        query={"data-set.data-type": "Browser Usage"}),
    row("query-no-query", "ga.trending", "query.json", "'query'", query={"query": DROP}),
    row("query-query-a-list", "ga4.realtime", "query.json", "'query'",
        query={"query": ["property"]}),
    row("query-no-options", "webtrends.keymetrics", "query.json", "options",
        query={"options": DROP}),
    row("query-options-a-list", "piwik.realtime", "query.json", "options",
        query={"options": ["chunk-size", 2]}),
    row("query-no-entrypoint", "ga", "query.json", "entrypoint", query={"entrypoint": DROP}),
    row("query-entrypoint-a-number", "gcloud", "query.json", "entrypoint",
        query={"entrypoint": 42}),
    row("query-entrypoint-empty", "pingdom", "query.json", "entrypoint",
        query={"entrypoint": ""}),
    row("query-entrypoint-unknown", "ga4", "query.json", "performanceplatform.collector.nosuch",
        query={"entrypoint": "performanceplatform.collector.nosuch"}),
    row("query-entrypoint-not-a-collector", "piwik.core", "query.json", "http.server",
        query={"entrypoint": "http.server"}),
    row("query-entrypoint-relative", "ga", "query.json", "entrypoint",
        query={"entrypoint": ".ga"}),
    row("query-entrypoint-other-signature", "webtrends.reports", "query.json", "entrypoint",
        query={"entrypoint": "performanceplatform.collector.main"}),
    row("query-entrypoint-not-imported", "gcloud", "query.json", "entrypoint",
        query={"entrypoint": "tests.collectors.import_marker"},
        env={"PP_TEST_IMPORT_MARKER": "{tmp}/imported"}),
    row("query-chunk-size-text", "ga", "chunk-size",
        query={"options.chunk-size": "lots"}),

    # -- each collector's query keys and options --------------------------------------------
    row("ga-no-id", "ga", "query.id", query={"query.id": DROP}),
    row("ga-frequency-unknown", "ga", "query.frequency",
        query={"query.frequency": "fortnightly"}),
    row("ga-mappings-a-list", "ga", "options.mappings",
        query={"options.mappings": ["browser"]}),
    row("ga-id-mapping-unknown-field", "ga", "options.idMapping",
        query={"options.idMapping": ["nosuchfield"]}),
    row("ga.realtime-no-ids", "ga.realtime", "query.ids", query={"query.ids": DROP}),
    row("ga.trending-no-metric", "ga.trending", "query.metric",
        query={"query.metric": DROP}),
    row("ga.content-table-filtersets-text", "ga.contrib.content.table", "options.filtersets",
        query={"options.filtersets": "dimension9=~^<D1>"}),
    row("ga.content-table-departments-file-missing", "ga.contrib.content.table",
        NOWHERE + "/departments.json",
        query={"options.departments-file": NOWHERE + "/departments.json"}),
    row("ga4-no-property", "ga4", "query.property", query={"query.property": DROP}),
    row("ga4-metrics-empty", "ga4", "query.metrics", query={"query.metrics": []}),
    row("ga4-limit-text", "ga4", "query.limit", query={"query.limit": "many"}),
    row("ga4-frequency-unknown", "ga4", "query.frequency",
        query={"query.frequency": "hourly-ish"}),
    row("ga4.realtime-no-property", "ga4.realtime", "query.property",
        query={"query.property": DROP}),
    row("ga4.realtime-metrics-a-number", "ga4.realtime", "query.metrics",
        query={"query.metrics": 7}),
    row("pingdom-no-name", "pingdom", "query.name", query={"query.name": DROP}),
    row("pingdom-unknown-check", "pingdom", "no-such-check",
        query={"query.name": "no-such-check"}),
    row("piwik.core-no-site-id", "piwik.core", "query.site_id",
        query={"query.site_id": DROP}),
    row("piwik.core-no-api-method", "piwik.core", "query.api_method",
        query={"query.api_method": DROP}),
    row("piwik.core-frequency-unknown", "piwik.core", "query.frequency",
        query={"query.frequency": "sometimes"}),
    row("piwik.realtime-minutes-text", "piwik.realtime", "query.minutes",
        query={"query.minutes": "two"}),
    row("matomo.core-no-site-id", "matomo.core", "query.site_id",
        query={"query.site_id": DROP}),
    row("matomo.realtime-no-api-method", "matomo.realtime", "query.api_method",
        query={"query.api_method": DROP}),
    row("webtrends.reports-no-report-id", "webtrends.reports", "query.report_id",
        query={"query.report_id": DROP}),
    row("webtrends.reports-no-row-type-name", "webtrends.reports", "options.row_type_name",
        query={"options.row_type_name": DROP}),
    row("webtrends.keymetrics-mappings-a-list", "webtrends.keymetrics", "options.mappings",
        query={"options.mappings": ["Visits"]}),
    row("gcloud-csv-file-missing", "gcloud", NOWHERE + "/spend.csv",
        query={"query.csv_url": DROP, "query.csv_file": NOWHERE + "/spend.csv"}),
    row("gcloud-csv-url-not-found", "gcloud", "https://www.gov.uk/nothing-here.csv",
        query={"query.csv_url": "https://www.gov.uk/nothing-here.csv"}),

    # -- the credentials file ---------------------------------------------------------------
    row("ga-credentials-empty", "ga", "credentials.json",
        credentials={"CLIENT_SECRETS": DROP, "STORAGE_PATH": DROP}),
    row("ga-client-secrets-missing", "ga", NOWHERE + "/client_secrets.json",
        credentials={"CLIENT_SECRETS": NOWHERE + "/client_secrets.json"}),
    row("ga.trending-storage-not-json", "ga.trending", "storage.db",
        credentials={"STORAGE_PATH": "{tmp}/ga/storage.db"},
        raw={"ga/storage.db": "not json"}),
    row("ga4-private-key-missing", "ga4", NOWHERE + "/key.pem",
        credentials={"CLIENT_SECRETS": DROP, "STORAGE_PATH": DROP,
                     "ACCOUNT_NAME": "collector@example.iam.gserviceaccount.com",
                     "PRIVATE_KEY": NOWHERE + "/key.pem"}),
    row("ga4.realtime-storage-missing", "ga4.realtime", NOWHERE + "/storage.db",
        credentials={"STORAGE_PATH": NOWHERE + "/storage.db"}),
    row("pingdom-no-token", "pingdom", "token",
        credentials={"token": DROP}),
    row("pingdom-2.0-no-app-key", "pingdom-2.0", "app_key",
        credentials={"app_key": DROP}),
    row("pingdom-token-refused", "pingdom", "api.pingdom.com", credentials={"token": "bad-token"}),
    row("piwik.core-no-url", "piwik.core", "url",
        credentials={"url": DROP}),
    row("piwik.realtime-no-token-auth", "piwik.realtime", "token_auth",
        credentials={"token_auth": DROP}),
    row("matomo.core-token-auth-refused", "matomo.core", "/index.php",
        credentials={"token_auth": "bad-token"}),
    row("webtrends.keymetrics-no-keymetrics-url", "webtrends.keymetrics", "credentials.json",
        "keymetrics_url", credentials={"keymetrics_url": DROP}),
    row("pingdom-token-with-crlf", "pingdom", "api.pingdom.com",
        credentials={"token": "abc\r\nX-Injected: 1"}),
    row("webtrends.reports-reports-url-not-a-url", "webtrends.reports", "nope",
        credentials={"reports_url": "nope"}),
    row("webtrends.reports-no-password", "webtrends.reports", "password",
        credentials={"password": DROP}),

    # -- the token file ---------------------------------------------------------------------
    row("token-missing-key", "ga", "token.json", "token", token={"token": DROP}),
    row("token-a-number", "pingdom", "token.json", "token", token={"token": 42}),
    row("token-empty", "piwik.core", "token.json", "token", token={"token": ""}),
    row("token-with-a-newline", "ga.trending", "/data/bad-input/records",
        token={"token": "abc\ndef"}),
    row("token-refused-by-backdrop", "webtrends.reports", "/data/bad-input/records",
        token={"token": "wrong-backdrop-token"}, refused_by_backdrop=True),

    # -- the Backdrop file (-b) -------------------------------------------------------------
    row("backdrop-no-backdrop-url", "ga", "performanceplatform.json", "backdrop_url",
        backdrop={"backdrop_url": DROP}),
    row("backdrop-url-empty", "ga4", "performanceplatform.json", "backdrop_url",
        backdrop={"backdrop_url": ""}),
    row("backdrop-url-a-list", "gcloud", "performanceplatform.json", "backdrop_url",
        backdrop={"backdrop_url": ["http://x"]}),
    row("backdrop-url-not-a-url", "webtrends.keymetrics", "not a url",
        backdrop={"backdrop_url": "not a url"}),
    row("backdrop-url-ftp", "ga4.realtime", "ftp://backdrop.example/data",
        backdrop={"backdrop_url": "ftp://backdrop.example/data"}),
    row("backdrop-unreachable", "pingdom", "127.0.0.1:9",
        backdrop={"backdrop_url": "http://127.0.0.1:9/data"}, env={"PP_COLLECTOR_TIMEOUT": "2,2"}),
    row("backdrop-redirects-the-post", "piwik.core", "/data/bad-input/records",
        fault={"service": "backdrop", "status": 301, "count": 5,
               "headers": {"Location": "{sandbox}/data/bad-input/records"}},
        refused_by_backdrop=True),

    # -- the Stagecraft config behind -l ----------------------------------------------------
    row("slug-no-stagecraft-url", "ga", "performanceplatform.json", "stagecraft_url",
        stagecraft={}, backdrop={"stagecraft_url": DROP}),
    row("slug-no-omniscient-token", "pingdom", "performanceplatform.json",
        "omniscient_api_token", stagecraft={}, backdrop={"omniscient_api_token": DROP}),
    row("slug-token-refused", "piwik.core", SLUG, "omniscient_api_token", stagecraft={},
        backdrop={"omniscient_api_token": "not-the-omniscient-token"}),
    row("slug-unknown", "ga4", "no-such-slug", stagecraft={}, extra=("-l", "no-such-slug")),
    row("slug-no-data-set", "webtrends.reports", SLUG, "data_set",
        stagecraft={"data_set": DROP}),
    row("slug-no-data-type", "gcloud", "data-type",
        stagecraft={"data_set.data_type": DROP}),
    row("slug-query-a-list", "ga.trending", "'query'", stagecraft={"query": []}),
    row("slug-no-entry-point", "pingdom-2.0", SLUG, "entrypoint",
        stagecraft={"entry_point": DROP}),
    row("slug-data-group-climbs-out", "piwik.core", "data-group",
        stagecraft={"data_set.data_group": "../../x"}),
    row("slug-redirect-to-an-html-page", "ga", SLUG, LOGIN_PAGE, stagecraft={},
        fault={"service": "stagecraft", "status": 302, "count": 5,
               "headers": {"Location": "{sandbox}/digitalmarketplace.blog.gov.uk/" + LOGIN_PAGE}}),
]


def stagecraft_config(query: dict[str, Any]) -> dict[str, Any]:
    """The Stagecraft collector config that holds ``query``."""
    return {"id": "0b7e8f8c", "slug": SLUG, "name": "bad input", "entry_point": query["entrypoint"],
            "query": query["query"], "options": query["options"], "type": {"slug": "t"},
            "data_source": {"slug": "s"}, "provider": {"slug": "p"},
            "data_set": {"data_group": query["data-set"]["data-group"],
                         "data_type": query["data-set"]["data-type"],
                         "bearer_token": "stagecraft-data-set-token"}}


def prepare(bad: Bad, run_cli: CliRunner, sandbox_config: Any) -> tuple[list[str], dict]:
    """Write the row's files; its command line and environment."""
    tmp = str(run_cli.workdir)

    def fill(value: Any) -> Any:
        return value.replace("{tmp}", tmp) if isinstance(value, str) else value

    query, credentials = valid_config(bad.collector, run_cli)
    files = {
        "query": run_cli.write("query.json", edit(query, bad.query)),
        "credentials": run_cli.write("credentials.json", edit(credentials, {
            key: fill(value) for key, value in bad.credentials.items()})),
        "token": run_cli.write("token.json", edit({"token": SANDBOX_TOKEN}, bad.token)),
        "backdrop": run_cli.write("performanceplatform.json", edit({
            "backdrop_url": f"{run_cli.sandbox.url}/data", "stagecraft_url": run_cli.sandbox.url,
            "omniscient_api_token": OMNISCIENT_TOKEN}, bad.backdrop)),
    }
    for name, text in bad.raw.items():
        run_cli.write(name, text)
    paths = {name: str(path) for name, path in files.items()}
    if bad.args is not None:
        args = [arg.format(tmp=tmp, **paths) for arg in bad.args]
    else:
        args = ["-c", paths["credentials"], "-t", paths["token"], "-b", paths["backdrop"]]
        if bad.stagecraft is None:
            args += ["-q", paths["query"], *window(bad.collector)]
        else:
            sandbox_config.collectors[SLUG] = edit(stagecraft_config(query), bad.stagecraft)
            if "-l" not in bad.extra:
                args += ["-l", SLUG]
    env = {key: fill(value) for key, value in bad.env.items()}
    return args + [fill(arg) for arg in bad.extra], env


def error_line(stderr: str, code: int) -> str:
    """The one error line of stderr; for exit 2 argparse's usage may come first."""
    lines = stderr.splitlines()
    if code == 2:
        lines = [line for line in lines if not line.startswith(("usage:", " "))]
    assert len(lines) == 1, f"expected one error line, got:\n{stderr}"
    assert lines[0].startswith("pp-collector: error:"), stderr
    return lines[0]


@pytest.mark.parametrize("bad", CASES)
def test_bad_input_is_one_line_naming_the_culprit_and_nothing_is_written(
        bad, sandbox, sandbox_config, run_cli):
    args, env = prepare(bad, run_cli, sandbox_config)
    if bad.fault:
        headers = {key: value.replace("{sandbox}", sandbox.url)
                   for key, value in bad.fault.get("headers", {}).items()}
        inject(sandbox, **{**bad.fault, "headers": headers})
    result = run_cli(args=args, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.code == bad.code, result.output
    line = error_line(result.stderr, bad.code)
    for name in bad.names:
        assert name in line, f"{name!r} not named in: {line}"
    writes = [r for r in served(sandbox, "backdrop") if r["method"] in ("POST", "PUT")]
    if bad.refused_by_backdrop:
        assert writes and all(r["status"] >= 300 for r in writes), writes
    else:
        assert writes == []
    store = sandbox.service("backdrop").store
    assert {name: store.count(name) for name in store.data_sets()
            if store.count(name)} == {}
    if "PP_TEST_IMPORT_MARKER" in env:
        assert not (run_cli.workdir / "imported").exists(), "the entrypoint was imported"


def test_the_table_covers_every_collector_and_file_type():
    collectors = {param.values[0].collector for param in CASES}
    assert collectors >= {"ga", "ga.realtime", "ga.trending", "ga.contrib.content.table", "ga4",
                          "ga4.realtime", "pingdom", "piwik.core", "piwik.realtime",
                          "matomo.core", "matomo.realtime", "webtrends.keymetrics",
                          "webtrends.reports", "gcloud"}
    assert len(CASES) >= 60
