"""For the tests of the sandbox's page: records to write, and the page read back as elements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser

START = dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc)
INJECTED_GROUP = "<img src=x onerror=alert(1)>"
INJECTED_VALUE = "<script>document.body.dataset.pwned = 'yes'</script>"


def hourly(count: int, **extra: object) -> list[dict]:
    """``count`` records an hour apart, as a collector sends them, with two numeric fields."""
    return [{"_id": f"r{i}", "_timestamp": (START + dt.timedelta(hours=i)).isoformat(),
             "visitors": i * 10, "pageviews": i + 1, "page": f"/p/{i}", **extra}
            for i in range(count)]


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Dom(HTMLParser):
    """Every element (with the text directly inside it) of a page, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []

    @classmethod
    def parse(cls, html: str) -> Dom:
        dom = cls()
        dom.feed(html)
        dom.close()
        return dom

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in ("meta", "br", "img", "input", "link", "path", "circle", "polyline"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].text += data

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    def polyline_points(self) -> list[int]:
        """How many points each chart's line has, in page order."""
        return [len(e.attrs["points"].split()) for e in self.all("polyline")]

    def table_rows(self) -> list[list[str]]:
        """The cells' text of each body row of the data sets table."""
        rows, row = [], None
        for element in self.elements:
            if element.tag == "tr":
                row = []
                rows.append(row)
            elif element.tag in ("td", "a") and row is not None:
                row.append(element.text.strip())
        return [[cell for cell in r if cell] for r in rows if r]
