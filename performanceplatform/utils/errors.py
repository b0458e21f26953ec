"""The errors pp-collector raises on purpose.

Every failure the CLI expects leaves through one of these, and the CLI turns it into one
line on stderr (and in the log) and an exit code::

    CollectorError                 base; exit code 1
    ├── ConfigError(where, key)    bad input: a file, a key, a slug, a plugin string
    ├── SourceError(url, status)   a source API failed (after retries) or answered nonsense
    └── SinkError(url, status)     Backdrop / Stagecraft refused or failed (after retries);
                                   carries how much of the run was written

Messages never contain secrets: callers pass URLs through ``redact_url`` first.
"""

from __future__ import annotations


class CollectorError(Exception):
    """Base class of the errors the CLI reports as one line."""

    exit_code = 1

    def __str__(self) -> str:  # one line, always
        return " ".join(super().__str__().split("\n"))


class ConfigError(CollectorError):
    """The configuration is wrong: names the file (or slug) and the key at fault."""

    def __init__(self, message: str, where: str | None = None, key: str | None = None):
        self.where = where
        self.key = key
        prefix = ""
        if where:
            prefix = f"{where}: "
        if key:
            prefix += f"key '{key}': "
        super().__init__(prefix + message)


class SourceError(CollectorError):
    """A source API could not give us the data."""

    def __init__(self, message: str, url: str | None = None, status: int | None = None):
        self.url = url
        self.status = status
        super().__init__(message)


class SinkError(CollectorError):
    """Writing to Backdrop (or reading from Stagecraft) failed."""

    def __init__(
        self,
        message: str,
        url: str | None = None,
        status: int | None = None,
        written_records: int = 0,
        written_chunks: int = 0,
    ):
        self.url = url
        self.status = status
        self.written_records = written_records
        self.written_chunks = written_chunks
        super().__init__(message)
