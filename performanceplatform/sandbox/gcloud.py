"""A G-Cloud spend-data double: the sales index page and the spend CSV it links.

Routes::

    /digitalmarketplace.blog.gov.uk/sales-accreditation-information/   the index page
    /www.gov.uk/government/uploads/system/uploads/attachment_data/file/<n>/<name>.csv

The CSV is synthetic, in the original's format (cp1252, CRLF, the original's columns) and made
by ``make_sales_csv``, which the tests use too. Settings (``services.gcloud``): ``months``
(default 14), ``rows_per_month`` (30), ``first_month`` (``"2017-03"``), ``seed`` (0),
``index`` — ``"current"`` (a page with one "Current" CSV link, the default) or ``"no-link"``
(today's page, which links no CSV) — and ``lots``:

``"g-cloud-1-8"`` (default)
    the lots of G-Cloud 1 to 8 as the original read them ("Infrastructure as a Service
    (IaaS)", "Platform as a Service (PaaS)", "Software as a Service (SaaS)", "Specialist
    Cloud Services").
``"g-cloud-9"``
    today's lots, named as the Digital Marketplace names them since G-Cloud 9: "Cloud
    hosting", "Cloud software" and "Cloud support" (the Digital Marketplace API's lots
    table, Crown-Commercial-Service/digitalmarketplace-api
    ``migrations/versions/790_add_g9_lots.py``; G-Cloud 9 to 12 all use these three lots,
    digitalmarketplace-frameworks ``schema_generator/validation.py``).
``"mixed"``
    both, as a file spanning the change of framework holds them.

Only the lot names follow today's service: the columns of a current Crown Commercial
Service spend file could not be checked against a published one, so they stay the
original's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import Request, Response, Service, json_response

INDEX_PATH = "/digitalmarketplace.blog.gov.uk/sales-accreditation-information/"
CSV_DIR = "/www.gov.uk/government/uploads/system/uploads/attachment_data/file/"
CSV_URL = "https://www.gov.uk" + CSV_DIR[len("/www.gov.uk"):] + "700001/G-Cloud_spend_data.csv"
HEADER = ["LotDescription", "Return Month", "EvidencedSpend", "Sector", "SME or Large", "",
          "SupplierName", "CustomerName"]
ORIGINAL_LOTS = ("Infrastructure as a Service (IaaS)", "Platform as a Service (PaaS)",
                 "Software as a Service (SaaS)", "Specialist Cloud Services")
CURRENT_LOTS = ("Cloud hosting", "Cloud software", "Cloud support")
LOTS = {"g-cloud-1-8": ORIGINAL_LOTS, "g-cloud-9": CURRENT_LOTS,
        "mixed": ORIGINAL_LOTS + CURRENT_LOTS}
SECTORS = ("Central Government", "Central Government", "Local Government", "Health",
           "Not for Profit", "Devolved Administrations", "Education", "Police",
           "Fire and Rescue", "Defence", "Wider Public Sector", "Utility (Historic)",
           "Private Sector")
SUPPLIERS = ("Zürich Hosting GmbH", "Oakfield IT", "Bytes & Bits plc", "Café Cloud Ltd",
             "Northern Data Services", "Agile Façade LLP", "Crown Hosting", "Blue Sky SaaS")
CUSTOMERS = ("Leeds City Council", "Office of the Élysée Liaison", "HM Revenue & Customs",
             "Ministry of Justice", "NHS Digital", "Scottish Government",
             "Information Commissioner’s Office", "Bristol City Council")


def _spend_text(rng: random.Random, amount: float) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"£{amount:,.2f}"
    if style == 1:
        return f"{amount:.2f}"
    if style == 2:
        return str(int(amount))
    return f"{amount:,.2f}"


def sales_rows(months: int = 14, rows_per_month: int = 30, first_month: str = "2017-03",
               seed: int = 0, lots: str = "g-cloud-1-8") -> list[list[str]]:
    """The CSV's rows (header first): a deterministic mix of lots, sectors and sizes."""
    rng = random.Random(f"gcloud-sales|{seed}")
    if lots not in LOTS:
        raise ValueError(f"services.gcloud.lots: {lots!r} is not one of {', '.join(LOTS)}")
    lot_names = LOTS[lots]
    year, month = (int(part) for part in first_month.split("-"))
    rows = [list(HEADER)]
    for _ in range(months):
        for _ in range(rows_per_month):
            amount = round(rng.uniform(-2000, 60000), 2)
            rows.append([rng.choice(lot_names), f"{rng.randint(1, 28):02d}/{month:02d}/{year:04d}",
                         _spend_text(rng, amount), rng.choice(SECTORS),
                         rng.choice(("SME", "SME", "Large")), "", rng.choice(SUPPLIERS),
                         rng.choice(CUSTOMERS)])
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return rows


def make_sales_csv(months: int = 14, rows_per_month: int = 30, first_month: str = "2017-03",
                   seed: int = 0, lots: str = "g-cloud-1-8") -> bytes:
    """A spend CSV in the original's format: cp1252 bytes, CRLF line endings."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(
        sales_rows(months, rows_per_month, first_month, seed, lots))
    return out.getvalue().encode("cp1252")


def index_page(csv_url: str | None, when: dt.date) -> str:
    """The sales page: one "Current" CSV link (or none), and older links as "Previous"."""
    current = (f'<p>Current {when:%B %Y} spend data (CSV): <a href="{csv_url}">download</a></p>'
               if csv_url else "<p>Spend data is now published on GOV.UK.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Sales information</title></head>\n<body>\n"
        "<h1>Sales and accreditation information</h1>\n<div class=\"entry-content\">\n"
        f"{current}\n<ul>\n"
        f'<li><p>Previous spend data (CSV): <a href="{CSV_URL.replace("700001", "690001")}">'
        "download</a></p></li>\n</ul>\n</div>\n</body></html>\n")


class GCloud(Service):
    name = "gcloud"
    prefixes = (INDEX_PATH.rstrip("/"), CSV_DIR)

    def __init__(self, config: SandboxConfig):
        self.config = config


    def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return json_response({"message": "method not allowed"}, 405)
        if request.path.rstrip("/") == INDEX_PATH.rstrip("/"):
            linked = None if self.settings.get("index") == "no-link" else CSV_URL
            html = index_page(linked, dt.date(2018, 7, 1))
            return Response(200, html.encode("utf-8"), "text/html; charset=UTF-8")
        if request.path.startswith(CSV_DIR) and request.path.endswith(".csv"):
            settings = self.settings
            body = make_sales_csv(
                int(settings.get("months", 14)), int(settings.get("rows_per_month", 30)),
                str(settings.get("first_month", "2017-03")), int(settings.get("seed", 0)),
                str(settings.get("lots", "g-cloud-1-8")))
            return Response(200, body, "text/csv")
        return Response(404, b"<h1>Page not found</h1>", "text/html; charset=UTF-8")
