"""Validation of the configs the CLI is given, before anything is fetched or written.

Every problem is reported at once, each naming the file (or Stagecraft slug) and the key.
Unknown ``query`` and ``options`` keys are not errors (old configs carry keys the original
ignored) but get a warning naming the nearest known key.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from performanceplatform.utils.checks import did_you_mean
from performanceplatform.utils.errors import ConfigError

if TYPE_CHECKING:
    from performanceplatform.collector.entrypoints import Collector

log = logging.getLogger(__name__)

# Backdrop names: every data-group and data-type of the original's production configs fits.
DATA_SET_NAME = re.compile(r"^[a-z0-9_-]+$")


def _where(config: dict[str, Any], fallback: str) -> str:
    return str(config.get("path_to_json_file") or fallback)


def _check(problems: list[str], config: Any, key: str, kind: type | tuple[type, ...],
           label: str) -> bool:
    """Record a problem unless ``config[key]`` is a ``kind`` (a non-empty one for text)."""
    if not isinstance(config, dict) or key not in config:
        problems.append(f"key '{label}': missing")
    elif not isinstance(config[key], kind) or config[key] in ("",):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        problems.append(f"key '{label}': expected {_kind_name(names)}, "
                        f"got {type(config[key]).__name__} {config[key]!r:.40}")
    else:
        return True
    return False


def _kind_name(name: str) -> str:
    return {"dict": "an object", "str": "a non-empty string"}.get(name, name)


def _raise(problems: list[str], where: str) -> None:
    if problems:
        raise ConfigError("; ".join(problems), where=where)


def validate_query(query: Any, fallback: str = "query config") -> None:
    """The query file (or Stagecraft config) has what the core and every collector need."""
    where = _where(query, fallback) if isinstance(query, dict) else fallback
    _raise(query_problems(query), where)


def query_problems(query: Any) -> list[str]:
    """``validate_query``'s problems, one ``key 'K': message`` each."""
    problems: list[str] = []
    _check(problems, query, "data-set", dict, "data-set")
    data_set = query.get("data-set") if isinstance(query, dict) else None
    if isinstance(data_set, dict):
        for key in ("data-group", "data-type"):
            if _check(problems, data_set, key, str, f"data-set.{key}"):
                _data_set_name(problems, data_set[key], f"data-set.{key}")
    _check(problems, query, "query", dict, "query")
    _check(problems, query, "options", dict, "options")
    return problems


def _data_set_name(problems: list[str], value: str, label: str) -> None:
    """A data-group or data-type becomes a URL path segment: Backdrop's names only."""
    if not DATA_SET_NAME.match(value):
        problems.append(f"key '{label}': expected lower-case letters, digits, '-' and '_' "
                        f"only, got {value!r:.60}")


def validate_entrypoint(query: dict[str, Any], fallback: str = "query config") -> str:
    problems: list[str] = []
    _check(problems, query, "entrypoint", str, "entrypoint")
    _raise(problems, _where(query, fallback))
    return query["entrypoint"]


def validate_targets(token: dict[str, Any] | None, performanceplatform: dict[str, Any] | None,
                     store: str | None = None) -> str:
    """The store URL of the run (``--store``, else ``backdrop_url``), checked; the token too
    when that store is a Backdrop (a local store needs none)."""
    from performanceplatform.sinks import is_backdrop, store_problem

    if store is not None:
        _raise([problem] if (problem := store_problem(store)) else [], "--store")
    else:
        problems: list[str] = []
        _check(problems, performanceplatform, "backdrop_url", str, "backdrop_url")
        if not problems and (problem := store_problem(performanceplatform["backdrop_url"])):
            problems.append(f"key 'backdrop_url': {problem}")
        where = _where(performanceplatform, "performanceplatform config") \
            if isinstance(performanceplatform, dict) else "-b/--performanceplatform"
        _raise(problems, where)
        store = performanceplatform["backdrop_url"]
    if is_backdrop(store):
        problems = []
        _check(problems, token, "token", str, "token")
        _raise(problems, _where(token, "token config") if isinstance(token, dict)
               else "-t/--token")
    return store


def warn_unknown_keys(collector: Collector, query: Any, options: Any, where: str) -> None:
    """One WARNING per ``query``/``options`` key the collector does not know.

    Query keys are checked when the collector declares ``QUERY_KEYS``; options always, against
    the record builder's keys and the collector's ``OPTION_KEYS``. Sections whose unknown keys
    the collector refuses (``REFUSED_UNKNOWN_KEYS``) are left to its check: one message.
    """
    for key, message in unknown_keys(collector, query, options):
        log.warning("%s: unknown key '%s': %s", where, key, message)


def unknown_keys(collector: Collector, query: Any, options: Any) -> list[tuple[str, str]]:
    """``(section.key, message)`` for each ``query``/``options`` key the collector does not
    read, the message naming the nearest known key."""
    found = []
    for section, config, known in (("query", query, collector.query_keys),
                                   ("options", options, collector.option_keys)):
        if known is None or not isinstance(config, Mapping) or \
                section in collector.refused_unknown:
            continue
        for key in config:
            if key not in known and key != "path_to_json_file":
                found.append((f"{section}.{key}", f"not one that {collector.name} reads"
                              f"{did_you_mean(str(key), known)}"))
    return found
