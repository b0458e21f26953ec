"""Checking a collector's query, options and credentials before its first request.

A collector gathers every problem it finds in a ``Problems`` and raises them together as one
``ConfigError`` that names the file and each key at fault::

    problems = Problems(credentials.get("path_to_json_file") or "credentials")
    problems.text(credentials, "url")
    problems.raise_if_any()

Problems of several files are reported together with ``raise_all(credentials_problems,
query_problems)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from performanceplatform.utils.errors import ConfigError


class Problems:
    """The problems found in one config (a file, or one part of the query file)."""

    def __init__(self, where: str | None = None):
        self.where = where
        self.found: list[tuple[str, str]] = []

    def add(self, key: str, message: str) -> None:
        self.found.append((key, message))

    def text(self, config: Mapping[str, Any], key: str, label: str | None = None) -> Any:
        """Require a non-empty string (a number is accepted, as the original formatted it)."""
        value = config.get(key)
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            self.add(label or key, _missing_or_wrong(config, key, "a non-empty string"))
            return None
        return value

    def chunk_size(self, config: Mapping[str, Any], label: str = "options.chunk-size") -> Any:
        """The optional ``chunk-size`` option: records per POST, 0 meaning one POST of all."""
        value = config.get("chunk-size")
        if "chunk-size" in config and (isinstance(value, bool) or not isinstance(value, int)
                                       or value < 0):
            self.add(label, f"expected a whole number >= 0 (0: one POST), got {value!r:.40}")
        return value

    def boolean(self, config: Mapping[str, Any], key: str, label: str | None = None) -> Any:
        """An optional key that, when present, must be true or false."""
        value = config.get(key)
        if key in config and not isinstance(value, bool):
            self.add(label or key, f"expected true or false, got {value!r:.40}")
        return value

    def one_of(self, config: Mapping[str, Any], key: str, allowed: Mapping[str, Any] | list,
               label: str | None = None) -> Any:
        """An optional key whose value must be one of ``allowed``."""
        value = config.get(key)
        if key in config and value not in allowed:
            shown = ", ".join(repr(a) for a in allowed)
            self.add(label or key, f"expected one of {shown}, got {value!r:.40}")
        return value

    def message(self) -> str:
        return "; ".join(f"key '{key}': {message}" for key, message in self.found)

    def raise_if_any(self) -> None:
        raise_all(self)


def raise_all(*groups: Problems) -> None:
    """One ``ConfigError`` for the problems of several configs (files), if there are any."""
    found = [group for group in groups if group.found]
    if not found:
        return
    first = found[0]
    message = first.message()
    for group in found[1:]:
        message += f"; {group.where}: {group.message()}" if group.where else f"; {group.message()}"
    error = ConfigError(message, where=first.where)
    error.key = first.found[0][0]
    raise error


def _missing_or_wrong(config: Mapping[str, Any], key: str, expected: str) -> str:
    if key not in config:
        return "missing"
    return f"expected {expected}, got {type(config[key]).__name__}"


def where_of(config: Any, fallback: str) -> str:
    """The file a loaded JSON config came from (the CLI records it), or ``fallback``."""
    if isinstance(config, Mapping) and config.get("path_to_json_file"):
        return str(config["path_to_json_file"])
    return fallback


def unknown_keys(problems: Problems, config: Mapping[str, Any], known: Iterable[str],
                 section: str = "query", hints: Mapping[str, str] | None = None) -> None:
    """Record each key of ``config`` that is not in ``known`` (a collector that refuses
    unknown keys declares ``REFUSED_UNKNOWN_KEYS``, so the core does not also warn).

    The message is the core warning's: the nearest known key, or what ``hints`` says of a
    key that means something else here."""
    known = sorted(known)
    for key in config:
        if key in known or key == "path_to_json_file":
            continue
        hint = (hints or {}).get(key)
        problems.add(f"{section}.{key}", hint or f"unknown key{did_you_mean(str(key), known)}; "
                                                 f"known keys: {', '.join(known)}")


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean `x`?)`` for the nearest of ``known`` to ``word``, or ``""``."""
    import difflib

    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""
