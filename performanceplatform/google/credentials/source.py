"""Where the credentials came from: the credentials JSON, the files it names, and how to
name them in messages."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from performanceplatform.google.credentials.constants import GOOGLE_TOKEN_URI, MAX_SHOWN_PATH
from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.redact import register_secrets, secret_values


@dataclass
class Source:
    """The credentials JSON, and how to name and find the files it points at."""

    config: Mapping[str, Any]

    @property
    def where(self) -> str | None:
        return self.config.get("path_to_json_file")

    def string(self, key: str) -> str:
        value = self.config.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError("must be a non-empty string", where=self.where, key=key)
        return value

    def path(self, key: str) -> Path:
        """The file named by ``key``, relative to the working directory or the JSON's folder."""
        path = Path(os.path.expanduser(self.string(key)))
        if path.is_absolute() or path.exists() or not self.where:
            return path
        beside = Path(self.where).parent / path
        return beside if beside.exists() else path

    def read_json(self, key: str, what: str) -> dict[str, Any]:
        """The JSON object in the file named by ``key``, or given inline as JSON text; a
        value that is no file name is never quoted in a message."""
        value = self.string(key)
        if value.lstrip().startswith("{"):
            return _inline_json(value, self.where, key)
        shown = None if printable_path(value) else f"{what} named by {key}"
        return read_json_file(self.path(key), what, self.where, key, shown)

    def token_uri(self, *found: Any, default: str = GOOGLE_TOKEN_URI) -> str:
        configured = self.config.get("TOKEN_URI")
        for value in (configured, *found):
            if isinstance(value, str) and value:
                return value
        return default


def read_json_file(path: Path, what: str, where: str | None, key: str | None,
                   shown: str | None = None) -> dict[str, Any]:
    """A JSON object from ``path``, or a ``ConfigError`` naming the file (as ``shown``, else
    ``<what> <path>``) and the problem."""
    name = shown or f"{what} {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{name} does not exist", where=where, key=key)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {name}: {reason(exc)}", where=where, key=key)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{name} is not valid JSON: {exc}", where=where, key=key)
    if not isinstance(data, dict):
        raise ConfigError(f"{name} must hold a JSON object", where=where, key=key)
    return data


def _inline_json(value: str, where: str | None, key: str) -> dict[str, Any]:
    """A JSON object given as text in ``key``; its secret values are registered."""
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise ConfigError(f"holds JSON text that is not valid ({exc})", where=where, key=key)
    if not isinstance(data, dict):
        raise ConfigError("holds JSON text that is not an object", where=where, key=key)
    register_secrets([value, *secret_values(data)])
    return data


def reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


def with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def printable_path(value: str) -> bool:
    """A value that can be shown as a file name: one short line, no key material in it."""
    return len(value) <= MAX_SHOWN_PATH and value.isprintable() and "-----" not in value
