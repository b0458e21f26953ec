"""Which collectors a config may name as its ``entrypoint``, and how one is loaded.

A config file must never be able to run code of its choosing (DESIGN: no code execution from
config), so an ``entrypoint`` is resolved among

- the built-in collectors, ``BUILTIN`` (public names: old query files and Stagecraft use
  them), and
- the collectors that installed packages register in the entry-point group
  ``pp_collector.collectors`` (``importlib.metadata``): the entry point's name is what a
  config puts in ``entrypoint``, its value the module (or ``module:function``) to load.

Any other name is refused *before* anything is imported. A collector is then checked: its
``main`` must accept ``main(credentials, data_set_config, query, options, start_at,
end_at)``. Every refusal is a ``ConfigError`` naming the file (or Stagecraft slug) and the key
``entrypoint``; a collector whose own dependency is missing is reported as that.

A collector module may declare the keys it reads, for the core's unknown-key warnings:
``QUERY_KEYS`` (the ``query`` keys) and ``OPTION_KEYS`` (``options`` keys beyond the record
builder's ``records.options.RECORD_OPTION_KEYS``); the core warns about any other key, unless
the collector refuses them itself, in its check, with ``utils.checks.unknown_keys`` (it says
which sections in ``REFUSED_UNKNOWN_KEYS``, e.g. ``("query",)``). ``RETIRED`` (a string)
says that the API it calls is shut down and what replaces it (``utils.retired``).
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import types
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from performanceplatform.records.options import RECORD_OPTION_KEYS
from performanceplatform.utils.errors import ConfigError

ENTRY_POINT_GROUP = "pp_collector.collectors"
PACKAGE = "performanceplatform.collector"
BUILTIN = frozenset(f"{PACKAGE}.{name}" for name in (
    "ga", "ga.realtime", "ga.trending", "ga.contrib.content.table",
    "ga4", "ga4.realtime",
    "pingdom",
    "piwik", "piwik.core", "piwik.realtime",
    "matomo", "matomo.core", "matomo.realtime",
    "webtrends", "webtrends.keymetrics", "webtrends.reports",
    "gcloud",
))
MAIN_ARGUMENTS = ("credentials", "data_set_config", "query", "options", "start_at", "end_at")
KEY = "entrypoint"


@dataclass(frozen=True)
class Collector:
    """A resolved collector: its ``main`` and the keys it declares (None: not declared)."""

    name: str
    main: Callable[..., Any]
    query_keys: frozenset[str] | None
    option_keys: frozenset[str]
    retired: str | None = None
    refused_unknown: frozenset[str] = frozenset()  # sections whose unknown keys it refuses


def registered() -> dict[str, metadata.EntryPoint]:
    """The collectors installed packages register, by name (the first of a name wins)."""
    found: dict[str, metadata.EntryPoint] = {}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry_point.name, entry_point)
    return found


def resolve(name: Any, where: str) -> Collector:
    """The collector ``name`` names, imported and checked; refused before import unless it
    is built-in or registered."""
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"expected a collector name, got {name!r:.40}", where, KEY)
    if name.startswith("."):
        raise ConfigError(f"'{name}' is a relative name; name the collector in full, e.g. "
                          f"'{PACKAGE}{name}'", where, KEY)
    if name in BUILTIN:
        module_name, load = name, lambda: importlib.import_module(name)
    else:
        entry_point = registered().get(name)
        if entry_point is None:
            raise ConfigError(_not_a_collector(name), where, KEY)
        module_name, load = entry_point.module, entry_point.load
    try:
        loaded = load()
    except ModuleNotFoundError as exc:
        raise missing_module(name, module_name, exc, where) from exc
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"collector '{name}' cannot be loaded: {type(exc).__name__}: {exc}",
                          where, KEY) from exc
    return _collector(name, loaded, where)


def missing_module(name: str, module_name: str, exc: ModuleNotFoundError,
                   where: str) -> ConfigError:
    """The error for a module that could not be found while loading or running ``name``."""
    missing = exc.name or str(exc)
    if module_name == missing or module_name.startswith(missing + "."):
        return ConfigError(f"collector '{name}' has no module '{module_name}' (is the package "
                           "that registers it installed completely?)", where, KEY)
    return ConfigError(f"collector '{name}' needs the module '{missing}', which is not "
                       "installed", where, KEY)


def _collector(name: str, loaded: Any, where: str) -> Collector:
    module = loaded if isinstance(loaded, types.ModuleType) else inspect.getmodule(loaded)
    main = getattr(loaded, "main", None) if isinstance(loaded, types.ModuleType) else loaded
    if not callable(main):
        raise ConfigError(f"'{name}' has no main({', '.join(MAIN_ARGUMENTS)}) function",
                          where, KEY)
    _check_signature(name, main, where)
    owner = inspect.getmodule(main)
    query_keys = _declared(module, owner, "QUERY_KEYS")
    extra_options = _declared(module, owner, "OPTION_KEYS") or frozenset()
    retired = next((getattr(place, "RETIRED", None) for place in (module, owner)
                    if isinstance(getattr(place, "RETIRED", None), str)), None)
    refused = _declared(module, owner, "REFUSED_UNKNOWN_KEYS") or frozenset()
    return Collector(name, main, query_keys, RECORD_OPTION_KEYS | extra_options, retired,
                     refused)


def _check_signature(name: str, main: Callable[..., Any], where: str) -> None:
    try:
        signature = inspect.signature(main)
    except (TypeError, ValueError):
        return  # no signature to read (a C function): calling it will tell
    try:
        signature.bind(*MAIN_ARGUMENTS)
    except TypeError as exc:
        raise ConfigError(f"'{name}': main{signature} cannot be called as main("
                          f"{', '.join(MAIN_ARGUMENTS)}): {exc}", where, KEY) from None


def _declared(module: Any, owner: Any, attribute: str) -> frozenset[str] | None:
    """``attribute`` of the collector's module, else of the module that defines its main."""
    for place in (module, owner):
        value = getattr(place, attribute, None)
        if value is not None:
            return frozenset(value)
    return None


def _not_a_collector(name: str) -> str:
    short = {_short(known): known for known in BUILTIN | set(registered())}
    close = difflib.get_close_matches(_short(name), sorted(short), n=1)
    hint = f"did you mean '{short[close[0]]}'? " if close else ""
    return (f"'{name}' is not a collector: {hint}name a built-in one "
            f"({PACKAGE}.ga, .ga4, .pingdom, ...; README: Collectors) or one that an installed "
            f"package registers in the entry-point group '{ENTRY_POINT_GROUP}'; nothing was "
            "imported")


def _short(name: str) -> str:
    """A name without the built-ins' common prefix, so that suggestions weigh what differs."""
    return name[len(PACKAGE) + 1:] if name.startswith(PACKAGE + ".") else name


__all__ = ["BUILTIN", "ENTRY_POINT_GROUP", "MAIN_ARGUMENTS", "Collector", "missing_module",
           "registered", "resolve"]
