"""A page to look at: ``GET /`` lists every data set of the store and charts its numbers.

``GET /`` answers one self-contained HTML page (inline CSS and server-drawn SVG, no script,
no external resource; a Content-Security-Policy forbids both): a table of the data sets with
their record count, last write and ``_timestamp`` range, then per data set a line chart of
each numeric field over ``_timestamp`` and the record written last.
``GET /_sandbox/summary`` answers the same facts as JSON. Both read the store through
``performanceplatform.store.summary``, whose queries stay fast for a million records.

Data set names, field names and values come from records: every one is escaped.
"""

from __future__ import annotations

import json
from html import escape

from performanceplatform.sandbox.chart import chart
from performanceplatform.sandbox.server import Request, Response, Service, json_response
from performanceplatform.store.summary import DataSetSummary, Selectable, summarise

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}
STYLE = """
body { font: 16px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 62rem;
       padding: 0 1rem; color: #0b0c0c; }
h1 { margin-bottom: .25rem; } h2 { margin: 2rem 0 .25rem; border-top: 2px solid #b1b4b6;
       padding-top: .75rem; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left;
       padding: .3rem .6rem .3rem 0; border-bottom: 1px solid #b1b4b6; }
td { white-space: nowrap; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.table { overflow-x: auto; }
.meta { color: #505a5f; margin: 0 0 .5rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; max-width: 460px; } caption { text-align: left; }
figcaption { font-size: .9rem; color: #505a5f; }
.axis { fill: none; stroke: #505a5f; } .series { fill: none; stroke: #1d70b8; stroke-width: 2; }
.series-dot { fill: #1d70b8; } .tick, .axis-title { font-size: 11px; fill: #0b0c0c; }
pre { background: #f3f2f1; padding: .5rem; overflow-x: auto; font-size: .85rem; }
"""


class Page(Service):
    """Serves ``/`` over a store; ``summary`` is the ``/_sandbox/summary`` control view."""

    name = "page"

    def __init__(self, store: Selectable, source: str):
        self.store = store
        self.source = source

    def claims(self, request: Request) -> bool:
        return request.path in ("/", "/index.html")

    def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return json_response({"status": "error", "message": "GET the page"}, 405)
        body = render(summarise(self.store), self.source).encode("utf-8")
        return Response(200, body, "text/html; charset=utf-8", dict(HEADERS))

    def summary(self, request: Request) -> Response:
        return json_response({"source": self.source,
                              "data_sets": [s.to_json() for s in summarise(self.store)]})


def render(data_sets: list[DataSetSummary], source: str) -> str:
    """The whole page."""
    total = sum(d.records for d in data_sets)
    body = [f"<h1>Data sets</h1>\n<p class=\"meta\">{_count(len(data_sets), 'data set')}, "
            f"{_count(total, 'record')} in {escape(source)}. Reload to refresh.</p>"]
    if not data_sets:
        body.append("<p>No records yet: POST some to <code>/data/&lt;group&gt;/&lt;type&gt;"
                    "</code>, or run a collector against this sandbox.</p>")
    else:
        body.append(_table(data_sets))
        body.extend(_section(index, d) for index, d in enumerate(data_sets))
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>pp-sandbox: {_count(len(data_sets), 'data set')}</title>\n"
            f"<style>{STYLE}</style>\n"
            "</head>\n<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def _table(data_sets: list[DataSetSummary]) -> str:
    rows = "\n".join(
        f'<tr><td><a href="#ds-{index}">{escape(d.name)}</a></td>'
        f'<td class="n">{d.records:,}</td><td>{_time(d.last_write)}</td>'
        f"<td>{_time(d.first_timestamp)}</td><td>{_time(d.last_timestamp)}</td></tr>"
        for index, d in enumerate(data_sets))
    return ('<div class="table"><table class="data-sets">\n<caption class="meta">'
            "Every data set in the store (times in UTC)</caption>\n"
            '<thead><tr><th scope="col">Data set</th>'
            '<th scope="col">Records</th><th scope="col">Last write</th>'
            '<th scope="col">First _timestamp</th><th scope="col">Last _timestamp</th>'
            f"</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table></div>")


def _section(index: int, data_set: DataSetSummary) -> str:
    how = "sum of the records" + ("" if data_set.every_timestamp else ", sampled")
    figures = [
        f'<figure>{chart(f"c{index}-{number}", field, points)}\n'
        f"<figcaption>{escape(field)}: {how} at {len(points)} _timestamps</figcaption></figure>"
        for number, (field, points) in enumerate(data_set.series.items()) if points]
    if not figures:
        figures = ['<p class="meta">No numeric field to chart.</p>']
    if data_set.fields_not_charted:
        figures.append('<p class="meta">Not charted: '
                       f'{escape(", ".join(data_set.fields_not_charted))}.</p>')
    last = escape(json.dumps(data_set.last_record, indent=2, sort_keys=True,
                             ensure_ascii=False))
    return (f'<section class="data-set" id="ds-{index}" aria-labelledby="ds-{index}-h">\n'
            f'<h2 id="ds-{index}-h">{escape(data_set.name)}</h2>\n'
            f'<p class="meta">{_count(data_set.records, "record")}, last written '
            f"{_time(data_set.last_write)} UTC</p>\n"
            f'<div class="charts">\n' + "\n".join(figures) + "\n</div>\n"
            f"<details><summary>Record written last</summary><pre>{last}</pre></details>\n"
            "</section>")


def _time(value: object) -> str:
    """A stored UTC time to the second (``2015-01-01 00:00:00``), escaped."""
    if not value:
        return "–"
    text = str(value).replace("T", " ")
    if text.endswith("+00:00") and len(text) >= 25:
        text = text[:19]
    return escape(text)


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")
