"""A data set in an SQLite file, through the sandbox Backdrop's own store (``store.sqlite``)."""

from __future__ import annotations

import sqlite3
from typing import Any

from performanceplatform.sinks.base import checked
from performanceplatform.store import SQLiteStore, data_set_name
from performanceplatform.utils.errors import SinkError


class SQLiteSink:
    """``path`` is the file (created on the first write); ``shown`` the URL for messages."""

    def __init__(self, path: str, shown: str, data_group: str, data_type: str):
        self.path = path
        self.name = data_set_name(data_group, data_type)
        self._shown = shown
        self._store: SQLiteStore | None = None

    def describe(self) -> str:
        return f"{self._shown} (data set {self.name})"

    def _open(self) -> SQLiteStore:
        if self._store is None:
            self._store = SQLiteStore(self.path)
        return self._store

    def write(self, records: list[dict[str, Any]]) -> None:
        prepared = checked(records, self.describe())
        try:
            self._open().save(self.name, prepared)
        except sqlite3.Error as exc:
            raise SinkError(f"writing to {self.describe()} failed: {exc}", url=self._shown)

    def empty(self) -> None:
        try:
            self._open().empty(self.name)
        except sqlite3.Error as exc:
            raise SinkError(f"emptying {self.describe()} failed: {exc}", url=self._shown)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
