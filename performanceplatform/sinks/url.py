"""Store URLs: where ``backdrop_url`` (or ``--store``) says the records go.

==============================  ==========================================================
``http://…``, ``https://…``     a Backdrop (``<url>/<data-group>/<data-type>``), as before
``sqlite:///pp.db``             an SQLite file, relative to the working directory
``sqlite:////var/lib/pp.db``    an SQLite file at an absolute path (four slashes)
``postgresql://user@host/db``   a PostgreSQL database (libpq URL; ``postgres://`` too)
``jsonl:///out.jsonl``          a JSON Lines file, relative (``jsonl:////abs/path`` absolute)
``-``                           JSON Lines on standard output
==============================  ==========================================================

The slashes follow SQLAlchemy's ``sqlite:`` URLs: three, then a path as the shell takes it.
``store_problem`` says what is wrong with a URL before anything is fetched.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from performanceplatform.transport.http import redact_url

BACKDROP = "backdrop"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
JSONL = "jsonl"
FORMS = ("an http:// or https:// URL (a Backdrop), sqlite:///FILE, postgresql://…, "
         "jsonl:///FILE or - (standard output)")
FILE_SCHEMES = {"sqlite": SQLITE, "jsonl": JSONL}


@dataclass(frozen=True)
class StoreURL:
    kind: str
    target: str  # the Backdrop or libpq URL, or the file path ("-" for standard output)
    shown: str  # the URL with any password masked


class StoreURLError(ValueError):
    """The URL is not one of the forms above; the message says why (no secret in it)."""


def parse_store_url(url: str) -> StoreURL:
    if url == "-":
        return StoreURL(JSONL, "-", "-")
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in FILE_SCHEMES:  # a path holds no secret; redact_url would drop its "//"
        return StoreURL(FILE_SCHEMES[scheme], _file_path(url, scheme), url)
    shown = redact_url(url)
    if scheme in ("http", "https"):
        if not urlsplit(url).netloc:
            raise StoreURLError(f"expected {FORMS}, got {shown!r} (no host)")
        return StoreURL(BACKDROP, url, shown)
    if scheme in ("postgresql", "postgres"):
        return StoreURL(POSTGRESQL, url, shown)
    raise StoreURLError(f"expected {FORMS}, got {shown!r}")


def _file_path(url: str, scheme: str) -> str:
    prefix = f"{scheme}:///"
    if not url.lower().startswith(prefix) or len(url) == len(prefix):
        raise StoreURLError(f"{url!r} is not a {scheme} URL: expected {scheme}:///FILE "
                            f"(relative to the working directory) or {scheme}:////FILE "
                            "(absolute)")
    path = url[len(prefix):]
    if path == ":memory:":
        raise StoreURLError(f"{url!r}: an in-memory database is lost when the run ends; "
                            "give a file")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise StoreURLError(f"{url!r}: the folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise StoreURLError(f"{url!r}: {path!r} is a folder, not a file")
    return path


def store_problem(url: str) -> str | None:
    """What is wrong with ``url`` as a store URL (``None``: nothing). A PostgreSQL URL must
    be one libpq can read, and psycopg installed."""
    try:
        parsed = parse_store_url(url)
    except StoreURLError as exc:
        return str(exc)
    if parsed.kind == POSTGRESQL:
        if importlib.util.find_spec("psycopg") is None:
            return (f"{parsed.shown!r} needs psycopg, which is not installed: "
                    "pip install 'pp-collector[postgresql]'")
        from psycopg import conninfo

        try:
            conninfo.conninfo_to_dict(url)
        except Exception as exc:
            detail = " ".join(str(exc).split())
            return f"{parsed.shown!r} is not a PostgreSQL URL libpq can read ({detail})"
    return None


def url_secrets(url: str) -> list[str]:
    """The password inside a store URL, for ``utils.redact.register_secrets``."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return []
    return [password] if password else []
