"""A data set as JSON Lines: one record per line, as Backdrop would be POSTed it, for pipes.

``-`` writes to standard output (the log goes to stderr, so a pipe gets only records); a
``jsonl:`` file is appended to, one chunk per write under an exclusive ``flock`` so that
concurrent writers never interleave lines. A JSON Lines file is a log, not a table: a
re-run appends the records again (use SQLite or PostgreSQL to upsert by ``_id``). Emptying a
file truncates it (keep one file per data set when you use ``empty-data-set``); standard
output cannot take records back, so emptying it writes nothing and says so in the log.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sys
from typing import Any

from performanceplatform.sinks.base import checked
from performanceplatform.store import data_set_name
from performanceplatform.utils.errors import SinkError

log = logging.getLogger(__name__)

STDOUT = "-"


class JsonLinesSink:
    """``path`` is a file, or ``-`` for standard output."""

    def __init__(self, path: str, shown: str, data_group: str, data_type: str):
        self.path = path
        self.name = data_set_name(data_group, data_type)
        self._shown = shown

    def describe(self) -> str:
        where = "standard output" if self.path == STDOUT else self._shown
        return f"{where} (data set {self.name})"

    def write(self, records: list[dict[str, Any]]) -> None:
        checked(records, self.describe())
        text = "".join(json.dumps(record) + "\n" for record in records)
        if self.path == STDOUT:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        self._locked(lambda fd: _write_all(fd, text.encode("utf-8")), os.O_APPEND)

    def empty(self) -> None:
        if self.path == STDOUT:
            log.info("%s: a stream cannot take records back; nothing was emptied",
                     self.describe())
            return
        self._locked(lambda fd: os.ftruncate(fd, 0), 0)

    def _locked(self, action: Any, flags: int) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | flags, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                action(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise SinkError(f"writing to {self.describe()} failed: {exc.strerror or exc}",
                            url=self._shown)

    def close(self) -> None:
        """Nothing stays open between writes."""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
