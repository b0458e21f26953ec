"""The core query keys, checked up front, and how they become Core Reporting parameters.

The parameter rules are those of gapy 1.3.6, the library the original collector used:

* ``ids``, ``metrics``, ``dimensions``, ``filters`` and ``sort`` may each be a list or a
  single string; every element gets the ``ga:`` prefix unless it already has it, after a
  leading ``-`` (``-sessions`` → ``-ga:sessions``); elements are joined with ``,``.
  In ``filters`` only the start of each element is prefixed (``a==1;ga:b==2`` must carry
  its own ``ga:`` after the ``;``).
* ``segment`` is sent as it is; ``max-results`` only when ``maxResults`` is a positive int.
* empty ``dimensions``/``filters``/``sort`` are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from performanceplatform.google.rows import DEFAULT_FREQUENCY
from performanceplatform.google.rows import FREQUENCIES as TIME_SPANS
from performanceplatform.utils.checks import Problems

LIST_KEYS = ("metrics", "dimensions", "filters", "sort")


def as_list(value: Any) -> list:
    """None → ``[]``, a scalar → ``[scalar]``, a list stays (gapy's normalisation)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def ga_prefixed(name: str) -> str:
    """``foo`` → ``ga:foo``; ``-foo`` → ``-ga:foo``; already prefixed names stay."""
    sign, rest = ("-", name[1:]) if name.startswith("-") else ("", name)
    return sign + (rest if rest.startswith("ga:") else "ga:" + rest)


def joined(values: Any) -> str:
    return ",".join(ga_prefixed(value) for value in as_list(values))


Problem = tuple[str, str]  # (key, message), as ``utils.checks.Problems`` holds them


def key_problems(query: Mapping[str, Any], key: str, required: bool = False) -> list[Problem]:
    """Why ``query[key]`` is not a string or a list of non-empty strings (none if it is)."""
    if key not in query or query[key] is None:
        return [(f"query.{key}", "missing")] if required else []
    values = as_list(query[key])
    if required and not values:
        return [(f"query.{key}", "must name at least one")]
    bad = [v for v in values if not isinstance(v, str) or not v.strip("-")]
    if bad:
        return [(f"query.{key}", f"expected non-empty strings, got {bad[0]!r:.40}")]
    return []


@dataclass(frozen=True)
class CoreQuery:
    """One Core Reporting request, as gapy's ``client.query.get(...)`` took it."""

    ids: str
    metrics: tuple[str, ...]
    dimensions: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    sort: tuple[str, ...] = ()
    max_results: int | None = None
    segment: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def for_period(self, start: dt.date, end: dt.date) -> CoreQuery:
        return replace(self, start=start, end=end)

    def params(self) -> dict[str, str]:
        """The query parameters of the first page (``alt=json`` as the Google client sent)."""
        if self.start is None or self.end is None:
            raise ValueError("CoreQuery.params() needs a period")
        params = {
            "ids": joined(self.ids),
            "start-date": self.start.strftime("%Y-%m-%d"),
            "end-date": self.end.strftime("%Y-%m-%d"),
            "metrics": joined(self.metrics),
        }
        for key, values in (("dimensions", self.dimensions), ("filters", self.filters),
                            ("sort", self.sort)):
            if values:
                params[key] = joined(values)
        if self.max_results is not None:
            params["max-results"] = str(self.max_results)
        if self.segment is not None:
            params["segment"] = self.segment
        params["alt"] = "json"
        return params


def read_core_query(problems: Problems, query: Any) -> tuple[CoreQuery, str] | None:
    """Every problem of a core query recorded in ``problems``; its ``CoreQuery`` and
    ``frequency`` when there are none. The query is read once, here.

    ``id`` loses every ``ga:`` (gapy puts one back), as the original did.
    """
    found = core_problems(query)
    for key, message in found:
        problems.add(key, message)
    if found:
        return None
    max_results = query.get("maxResults") or None
    request = CoreQuery(
        ids=str(query["id"]).replace("ga:", ""),
        metrics=tuple(as_list(query["metrics"])),
        dimensions=tuple(as_list(query.get("dimensions"))),
        filters=tuple(as_list(query.get("filters"))),
        sort=tuple(as_list(query.get("sort"))),
        max_results=int(max_results) if max_results is not None else None,
        segment=query.get("segment") or None,
    )
    return request, query.get("frequency", DEFAULT_FREQUENCY)


def parse_core_query(query: Mapping[str, Any]) -> tuple[CoreQuery, str]:
    """``read_core_query``, raising every problem as one ConfigError."""
    problems = Problems()
    parsed = read_core_query(problems, query)
    problems.raise_if_any()
    assert parsed is not None
    return parsed


def core_problems(query: Any) -> list[Problem]:
    """Every problem of a core query's keys, as ``(key, message)``."""
    if not isinstance(query, Mapping):
        return [("query", "expected an object")]
    problems: list[Problem] = []
    if not isinstance(query.get("id"), (str, int)) or not str(query["id"]).replace("ga:", ""):
        problems.append(("query.id", "missing (the GA view id, e.g. \"ga:12345\")"))
    problems += key_problems(query, "metrics", required=True)
    for key in ("dimensions", "filters", "sort"):
        problems += key_problems(query, key)
    problems += _max_results_problems(query.get("maxResults"))
    segment = query.get("segment")
    if segment is not None and not isinstance(segment, str):
        problems.append(("query.segment", f"expected a string, got {segment!r:.40}"))
    frequency = query.get("frequency", DEFAULT_FREQUENCY)
    if frequency not in TIME_SPANS:
        problems.append(("query.frequency", f"expected daily, weekly or monthly, got "
                                            f"{frequency!r:.40}"))
    return problems


def _max_results_problems(value: Any) -> list[Problem]:
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return [("query.maxResults", f"expected a whole number, got {value!r:.40}")]
    return []
