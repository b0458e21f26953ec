"""A valid query file and credentials file for every collector, pointed at the sandbox.

``valid_config(name, run_cli)`` returns ``(query, credentials)`` for one collector; the
bad-input and secrets suites start from these and break or fill one slot at a time.
Secret values can be replaced (``secrets=``) so that a test can plant canaries in them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from performanceplatform.sandbox.gcloud import CSV_URL
from tests.helpers import CliRunner
from tests.performanceplatform.google import keys

WINDOW = ("-s", "2018-08-10T00:00:00", "-e", "2018-08-10T05:00:00")
PACKAGE = "performanceplatform.collector"
V3_TOKEN_URI = "https://accounts.google.com/o/oauth2/token"
WEBTRENDS_V3 = "https://ws.webtrends.com/v3/Reporting/profiles/fgkdatFA7d7"
KEYMETRICS = {"Page Views": "page_views", "Visits": "sessions"}


@dataclass
class Secrets:
    """The value of every secret slot a collector run can hold."""

    backdrop_token: str = "sandbox-token-0123456789"
    client_secret: str = "ga-test-secret"
    refresh_token: str = "1/ga-test-refresh"
    access_token: str = "sandbox-access-ga-test"
    pingdom_token: str = "pingdom-api-token-123"
    pingdom_password: str = "pw-123456"
    pingdom_app_key: str = "appkey-123456"
    token_auth: str = "piwik-token-0123456789"
    webtrends_password: str = "wt-secret-password"
    extra: dict[str, str] = field(default_factory=dict)


def query_file(entrypoint: str, query: dict[str, Any], options: dict[str, Any] | None = None,
               group: str = "bad-input", data_type: str = "records") -> dict[str, Any]:
    return {"entrypoint": f"{PACKAGE}.{entrypoint}" if entrypoint else PACKAGE,
            "data-set": {"data-group": group, "data-type": data_type},
            "query": query, "options": options or {}}


def ga_v3_credentials(run_cli: CliRunner, secrets: Secrets) -> dict[str, str]:
    """An installed-app client and a storage file holding a still-valid sandbox token."""
    client = "ga-test.apps.googleusercontent.com"
    client_secrets = run_cli.write("ga/client_secrets.json", {"installed": {
        "client_id": client, "client_secret": secrets.client_secret,
        "token_uri": V3_TOKEN_URI}})
    storage = run_cli.write("ga/storage.db", {
        "access_token": secrets.access_token, "refresh_token": secrets.refresh_token,
        "client_id": client, "client_secret": secrets.client_secret,
        "token_expiry": "2099-01-01T00:00:00Z", "token_uri": V3_TOKEN_URI, "invalid": False})
    return {"CLIENT_SECRETS": str(client_secrets), "STORAGE_PATH": str(storage)}


def ga4_credentials(run_cli: CliRunner, secrets: Secrets) -> dict[str, str]:
    """Client secrets and an expired storage file: the run refreshes the token."""
    client_secrets = keys.client_secrets()
    client_secrets["installed"]["client_secret"] = secrets.client_secret
    storage = keys.storage_record()
    storage.update(client_secret=secrets.client_secret, refresh_token=secrets.refresh_token,
                   access_token=secrets.access_token)
    return {"CLIENT_SECRETS": str(run_cli.write("ga4/client_secrets.json", client_secrets)),
            "STORAGE_PATH": str(run_cli.write("ga4/storage.db", storage))}


def service_account_credentials(run_cli: CliRunner, inline: bool) -> dict[str, str]:
    """A service account whose ``PRIVATE_KEY`` is a PEM file, or the PEM text itself."""
    pem = keys.pem_bytes().decode("ascii")
    key = pem if inline else str(run_cli.write("ga4/key.pem", pem))
    return {"ACCOUNT_NAME": keys.ACCOUNT, "PRIVATE_KEY": key,
            "STORAGE_PATH": str(Path(run_cli.workdir) / "ga4" / "sa-storage.db"),
            "TOKEN_URI": "https://oauth2.googleapis.com/token"}


GA_V3 = {"id": "ga:12345", "metrics": ["sessions"], "dimensions": ["browser"]}
GA4 = {"property": "123456", "metrics": ["sessions"], "dimensions": ["browser"],
       "frequency": "daily"}
PIWIK = {"site_id": "3", "api_method": "DevicesDetection.getBrowsers", "frequency": "daily"}
PIWIK_OPTIONS = {"mappings": {"label": "browser", "nb_visits": "sessions"},
                 "idMapping": ["dataType", "_timestamp", "timeSpan", "browser"]}

COLLECTORS = ["ga", "ga.realtime", "ga.trending", "ga.contrib.content.table", "ga4",
              "ga4.realtime", "pingdom", "pingdom-2.0", "piwik.core", "piwik.realtime",
              "matomo.core", "matomo.realtime", "webtrends.keymetrics", "webtrends.reports",
              "gcloud"]


def valid_config(name: str, run_cli: CliRunner, secrets: Secrets | None = None
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(query, credentials)`` that run ``name`` successfully against the sandbox."""
    s = secrets or Secrets()
    url = run_cli.sandbox.url
    if name in ("ga", "ga.realtime", "ga.trending", "ga.contrib.content.table"):
        query = {
            "ga": GA_V3,
            "ga.realtime": {"ids": "ga:12345", "metrics": "rt:activeUsers"},
            "ga.trending": {"id": "12345", "metric": "pageviews",
                            "dimensions": ["pageTitle", "pagePath"]},
            "ga.contrib.content.table": {"id": "ga:12345", "metrics": ["pageviews"],
                                         "dimensions": ["pageTitle"], "maxResults": 2},
        }[name]
        options = {"filtersets": [["dimension9=~^<D1>"]],
                   "departments-file": str(run_cli.write("departments.json",
                                                         {"<D1>": "attorney-generals-office"}))
                   } if name == "ga.contrib.content.table" else {}
        return query_file(name, query, options), ga_v3_credentials(run_cli, s)
    if name == "ga4":
        return query_file("ga4", GA4), ga4_credentials(run_cli, s)
    if name == "ga4.realtime":
        return (query_file("ga4.realtime", {"property": "123456", "metrics": ["activeUsers"]}),
                ga4_credentials(run_cli, s))
    if name in ("pingdom", "pingdom-2.0"):
        if name == "pingdom":
            return (query_file("pingdom", {"name": "Electronic Vehicle Licensing - Tax Disc"}),
                    {"token": s.pingdom_token})
        return (query_file("pingdom", {"name": "govuk_search"}),
                {"user": "someone@example.org", "password": s.pingdom_password,
                 "app_key": s.pingdom_app_key, "account_email": "owner@example.org"})
    if name.startswith(("piwik", "matomo")):
        credentials = {"token_auth": s.token_auth,
                       "url": f"{url}/matomo.example.service.gov.uk/index.php"}
        if name.endswith("realtime"):
            return query_file(name, {"site_id": "3", "api_method": "Live.getCounters",
                                     "minutes": 2}), credentials
        return query_file(name, PIWIK, PIWIK_OPTIONS), credentials
    if name.startswith("webtrends"):
        credentials = {"user": "acct\\someone", "password": s.webtrends_password,
                       "api_version": "v3", "keymetrics_url": f"{WEBTRENDS_V3}/Keymetrics/",
                       "reports_url": f"{WEBTRENDS_V3}/reports/"}
        if name == "webtrends.keymetrics":
            return query_file(name, {}, {"mappings": KEYMETRICS,
                                         "idMapping": ["dataType", "_timestamp"]}), credentials
        return query_file(name, {"report_id": "aK4SbIcXwb7"},
                          {"row_type_name": "browser",
                           "idMapping": ["dataType", "_timestamp", "browser"]}), credentials
    if name == "gcloud":
        return query_file("gcloud", {"csv_url": CSV_URL}), {}
    raise KeyError(name)


def window(name: str) -> tuple[str, ...]:
    """The ``-s``/``-e`` of a short run; realtime collectors refuse a window."""
    return () if name.endswith("realtime") else WINDOW
