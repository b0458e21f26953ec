"""What collectors exist, whether their API is current, and their sample files.

The catalogue is read from the collectors themselves, built-in or registered
(``entrypoints``): a module's docstring gives its one-line summary, ``RETIRED`` says that
its API is shut down and what replaces it, ``RETIRED_CREDENTIALS`` that one form of its
credentials is (Pingdom's API 2.0). Its samples are the JSON files of the nearest ``sample/``
folder at or above its module: the query files whose ``entrypoint`` names it (else the
folder's ``query.json``), then the credentials files (the JSON files without an
``entrypoint``).
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from performanceplatform.collector import entrypoints
from performanceplatform.utils.errors import CollectorError, UsageError

PREFIX = entrypoints.PACKAGE + "."


@dataclass(frozen=True)
class Entry:
    """One collector as ``pp-collector collectors`` lists it."""

    name: str
    origin: str  # "built-in", or "registered by <distribution>"
    summary: str
    retired: str | None = None
    retired_credentials: str | None = None
    error: str | None = None  # why it cannot be loaded

    @property
    def status(self) -> str:
        if self.error:
            return "broken"
        return "retired" if self.retired else "current"

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "origin": self.origin, "status": self.status,
                "summary": self.summary, "retired": self.retired,
                "retired_credentials": self.retired_credentials, "error": self.error}


def names() -> list[str]:
    """Every collector name: the built-in ones, then the registered ones, each sorted."""
    registered = sorted(set(entrypoints.registered()) - entrypoints.BUILTIN)
    return sorted(entrypoints.BUILTIN) + registered


def entries() -> list[Entry]:
    """Every collector, loaded and described (a broken one says why)."""
    return [describe(name) for name in names()]


def describe(name: str) -> Entry:
    """The catalogue entry of the collector ``name`` (a full name)."""
    origin = _origin(name)
    try:
        collector = entrypoints.resolve(name, "catalogue")
    except CollectorError as exc:
        return Entry(name, origin, "", error=str(exc).removeprefix("catalogue: key "
                                                                   "'entrypoint': "))
    module = importlib.import_module(collector.main.__module__)
    loaded = _module_of(name)
    return Entry(name, origin, summary(loaded or module), collector.retired,
                 getattr(loaded, "RETIRED_CREDENTIALS", None)
                 or getattr(module, "RETIRED_CREDENTIALS", None))


def full_name(name: str) -> str:
    """``name`` as configs write it (``ga4`` → ``performanceplatform.collector.ga4``); a
    ``UsageError`` naming the nearest collector when there is none of that name."""
    known = names()
    for candidate in (name, PREFIX + name):
        if candidate in known:
            return candidate
    short = {_short(known_name): known_name for known_name in known}
    close = difflib.get_close_matches(_short(name), sorted(short), n=1)
    hint = f" (did you mean '{_short(short[close[0]])}'?)" if close else ""
    raise UsageError(f"'{name}' is not a collector{hint}; 'pp-collector collectors' lists "
                     "them")


def summary(module: Any) -> str:
    """The first sentence of a module's docstring, without its own name and README pointer."""
    first = " ".join((getattr(module, "__doc__", None) or "").strip().split("\n\n")[0].split())
    first = re.sub(r"^``[\w.]+``:\s*", "", first)
    first = re.sub(r"\s*\((see README\.rst|``[\w.]+``)\)", "", first).rstrip(":.")
    return first.replace("``", "")


@dataclass(frozen=True)
class Samples:
    """A collector's sample files: query files first, credentials ``credentials.json`` first."""

    queries: list[Path]
    credentials: list[Path]

    @property
    def files(self) -> list[Path]:
        return self.queries + self.credentials


def samples(name: str) -> Samples:
    """The sample files of the collector ``name`` (a full name)."""
    folder = _sample_folder(name)
    if folder is None:
        return Samples([], [])
    queries: list[Path] = []
    credentials: list[Path] = []
    for path in sorted(folder.glob("*.json")):
        entrypoint = _entrypoint_of(path)
        if entrypoint is None:
            credentials.append(path)
        elif entrypoint == name:
            queries.append(path)
    if not queries and (folder / "query.json").is_file():
        queries.append(folder / "query.json")
    return Samples(queries, sorted(credentials, key=lambda path: path.name != "credentials.json"))


def _entrypoint_of(path: Path) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("entrypoint") if isinstance(data, dict) else None


def _sample_folder(name: str) -> Path | None:
    """The nearest ``sample/`` folder at or above the module of ``name``, within its
    top-level package."""
    spec = _spec(name)
    if spec is None or not spec.origin:
        return None
    here = Path(spec.origin).parent
    top = spec.name.split(".")[0]
    for folder in (here, *here.parents):
        if (folder / "sample").is_dir():
            return folder / "sample"
        if folder.name == top:
            return None
    return None


def _spec(name: str) -> Any:
    module_name = name
    if name not in entrypoints.BUILTIN:
        entry_point = entrypoints.registered().get(name)
        module_name = entry_point.module if entry_point else name
    try:
        return importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return None


def _module_of(name: str) -> Any:
    spec = _spec(name)
    return importlib.import_module(spec.name) if spec is not None else None


def _origin(name: str) -> str:
    if name in entrypoints.BUILTIN:
        return "built-in"
    entry_point = entrypoints.registered()[name]
    dist = getattr(entry_point, "dist", None)
    return f"registered by {dist.name}" if dist is not None else "registered"


def _short(name: str) -> str:
    return name.removeprefix(PREFIX)
