"""Getting the G-Cloud spend CSV: from the index page's "Current ... CSV" link, a URL, or a file.

The original scraped ``INDEX_URL`` for the element whose text says ``Current`` and which
holds a link to a ``.csv`` file. That page no longer carries such a link, so the query can
name the CSV itself (``csv_url`` or ``csv_file``) or another index page (``index_url``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import requests

from performanceplatform.transport.http import (
    RetryPolicy,
    make_session,
    redact_url,
    source_response,
)
from performanceplatform.utils.errors import ConfigError, SourceError

if TYPE_CHECKING:
    from performanceplatform.utils.checks import Problems

log = logging.getLogger(__name__)

SOURCE = "gcloud"
INDEX_URL = "https://digitalmarketplace.blog.gov.uk/sales-accreditation-information/"
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "param", "source", "track", "wbr"})


class _Element:
    def __init__(self, tag: str):
        self.tag = tag
        self.first_text: str | None = None
        self.links: list[str] = []


class _CurrentCsvLinks(HTMLParser):
    """Collects, per element, its first direct text and the hrefs of its direct ``<a>``s."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Element] = []
        self.elements: list[_Element] = []
        self._text_owner: _Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._text_owner = None
        if tag == "a" and self.stack:
            href = dict(attrs).get("href")
            if href:
                self.stack[-1].links.append(href)
        if tag in VOID_TAGS:
            return
        element = _Element(tag)
        self.stack.append(element)
        self.elements.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self._text_owner = None
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self.stack:
            return
        owner = self.stack[-1]
        if owner.first_text is None:
            owner.first_text, self._text_owner = data, owner
        elif self._text_owner is owner:
            owner.first_text += data  # one text node split by the parser


def current_csv_links(html: str) -> list[str]:
    """Every ``.csv`` href of an ``<a>`` inside an element whose first text says Current."""
    parser = _CurrentCsvLinks()
    parser.feed(html)
    parser.close()
    return [href for element in parser.elements
            if element.first_text and "Current" in element.first_text
            for href in element.links if ".csv" in href]


def parse_latest_csv_url(html: str, page_url: str = INDEX_URL) -> str:
    """The one "Current" CSV link of an index page (made absolute against ``page_url``)."""
    links = current_csv_links(html)
    if len(links) != 1:
        shown = ", ".join(links[:5]) or "none"
        raise SourceError(
            f"{SOURCE}: {redact_url(page_url)} should link exactly one current CSV file, found "
            f"{len(links)} ({shown}); name the file with the query key 'csv_url' or 'csv_file'",
            url=redact_url(page_url))
    return urljoin(page_url, links[0])


def download(url: str, session: requests.Session | None = None) -> bytes:
    """The body of a GET, retried on connection errors, 429 and 5xx."""
    response, _ = source_response(session or make_session(any_redirect=True), "GET", url,
                                  policy=RetryPolicy(), source=SOURCE)
    return response.content


def read_file(path: str) -> bytes:
    try:
        return Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the CSV file {path}: {exc.strerror}", key="csv_file")


def fetch_csv(query: dict, filename: str | None = None) -> tuple[str, bytes]:
    """``(where it came from, the CSV bytes)``, as the query (or ``filename``) says."""
    path = filename or query.get("csv_file")
    if path:
        return str(path), read_file(str(path))
    session = make_session(any_redirect=True)  # public files, no secret: GOV.UK moves them
    url = query.get("csv_url")
    if not url:
        index_url = query.get("index_url") or INDEX_URL
        page = download(index_url, session)
        url = parse_latest_csv_url(page.decode("utf-8", errors="replace"), index_url)
        log.info("Latest CSV URL: %s", redact_url(url))
    return redact_url(url), download(url, session)


def check_query(query: Mapping[str, Any], options: Mapping[str, Any],
                found: Problems | None = None) -> int:
    """Check the query keys and options this collector reads; return the chunk size.

    The problems go into ``found`` when given (the pipeline raises them with the rest), else
    they are raised here."""
    from performanceplatform.utils.checks import Problems

    problems = found if found is not None else Problems("query file")
    for key in ("index_url", "csv_url"):
        value = query.get(key)
        if key in query and not (isinstance(value, str) and value.startswith(("http://",
                                                                              "https://"))):
            problems.add(f"query.{key}", f"expected an http(s) URL, got {value!r:.60}")
    if "csv_file" in query:
        problems.text(query, "csv_file", "query.csv_file")
    if "csv_url" in query and "csv_file" in query:
        problems.add("query.csv_file", "give either csv_url or csv_file, not both")
    problems.chunk_size(options)
    if found is None:
        problems.raise_if_any()
    chunk_size = options.get("chunk-size", 2000)
    return chunk_size if isinstance(chunk_size, int) else 2000
