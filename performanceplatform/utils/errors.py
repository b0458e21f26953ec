"""The errors pp-collector raises on purpose, and the exit codes of the CLI.

Every failure the CLI expects leaves through one of these, and the CLI turns it into one
line on stderr (and in the log) and the error's ``exit_code``::

    CollectorError                 base; exit code 1
    ├── ConfigError(where, key)    bad input: a file, a key, a slug, a plugin string
    │   └── UsageError             a bad command line (``-e`` before ``-s``); exit code 2
    ├── SourceError(url, status)   a source API failed (after retries) or answered nonsense
    └── SinkError(url, status)     Backdrop / Stagecraft refused or failed (after retries);
                                   carries how much of the run was written

    Terminated (a BaseException, like KeyboardInterrupt): the process got SIGTERM; exit 143

A ``ConfigError`` whose ``where`` or ``key`` is the command line (``"command line"``, or flags
such as ``"--start/--end"``) is a command-line error too: its ``exit_code`` is 2.

Messages never contain secrets: callers pass URLs through ``redact_url`` first.
"""

from __future__ import annotations

import enum
import re


class ExitCode(enum.IntEnum):
    """The exit codes of ``pp-collector`` (README: Exit codes)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    INTERRUPTED = 130  # 128 + SIGINT (Ctrl-C)
    TERMINATED = 143  # 128 + SIGTERM (cron timeout, systemd stop)


COMMAND_LINE = "command line"
_FLAGS = re.compile(r"^--?[a-z][a-z-]*(/--?[a-z][a-z-]*)*$")


class CollectorError(Exception):
    """Base class of the errors the CLI reports as one line."""

    exit_code: int = ExitCode.FAILED

    def __str__(self) -> str:  # one line, always
        return super().__str__().replace("\n", " ")


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

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        """2 when the command line is at fault (a flag or "command line"), else 1."""
        return ExitCode.USAGE if is_command_line(self.where, self.key) else ExitCode.FAILED


class UsageError(ConfigError):
    """The command line is wrong (for example ``-e`` before ``-s``): exit code 2."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message, where=COMMAND_LINE, key=key)


def is_command_line(where: str | None, key: str | None) -> bool:
    """Whether an error located at ``where``/``key`` is about the command line's flags."""
    return where == COMMAND_LINE or any(
        bool(_FLAGS.match(place)) for place in (where, key) if place)


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
        written_ranges: tuple[tuple[int, int], ...] | None = None,
    ):
        self.url = url
        self.status = status
        self.written_records = written_records
        self.written_chunks = written_chunks
        # the records written, as [start, end) positions in the write, when they are not
        # simply the first ``written_records`` (several POSTs were in flight)
        self.written_ranges = written_ranges
        super().__init__(message)


class Terminated(BaseException):
    """The process got SIGTERM. Not an ``Exception``, so no ``except Exception`` stops it."""

    def __init__(self, signal_name: str = "SIGTERM"):
        self.signal_name = signal_name
        super().__init__(f"terminated by {signal_name}")
