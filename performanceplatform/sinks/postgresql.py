"""A data set in PostgreSQL, through ``store.postgresql`` (one table keyed by data set; its
docstring says why). Needs the ``postgresql`` extra (psycopg 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from performanceplatform.sinks.base import checked
from performanceplatform.store import data_set_name
from performanceplatform.utils.errors import SinkError

if TYPE_CHECKING:
    from performanceplatform.store.postgresql import PostgreSQLStore


class PostgreSQLSink:
    """``url`` is a libpq URL (its password never shown); the connection opens on first use."""

    def __init__(self, url: str, shown: str, data_group: str, data_type: str):
        self.url = url
        self.name = data_set_name(data_group, data_type)
        self._shown = shown
        self._store: PostgreSQLStore | None = None

    def describe(self) -> str:
        return f"{self._shown} (data set {self.name})"

    def _call(self, doing: str, action: Any) -> None:
        import psycopg

        from performanceplatform.store.postgresql import PostgreSQLStore

        try:
            if self._store is None:
                self._store = PostgreSQLStore(self.url)
            action(self._store)
        except psycopg.Error as exc:
            self.close()
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise SinkError(f"{doing} {self.describe()} failed: {detail}", url=self._shown)
        except ValueError as exc:  # a value the store cannot hold: nothing of the chunk written
            raise SinkError(f"{self.describe()} refused the records: {exc}", url=self._shown)

    def write(self, records: list[dict[str, Any]]) -> None:
        prepared = checked(records, self.describe())
        self._call("writing to", lambda store: store.save(self.name, prepared))

    def empty(self) -> None:
        self._call("emptying", lambda store: store.empty(self.name))

    def close(self) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            try:
                store.close()
            except Exception:  # a broken connection is closed already
                pass
