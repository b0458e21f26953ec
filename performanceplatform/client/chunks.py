"""What a chunked write has done so far, in the words its failures use (shared by the
one-at-a-time POSTs of ``base`` and the POSTs in flight of ``in_flight``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from performanceplatform.utils.errors import CollectorError

log = logging.getLogger("performanceplatform.client.base")


def counted(number: int, noun: str) -> str:
    """``1 record``, ``2 records``, ``0 records``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _was(number: int) -> str:
    return "was" if number == 1 else "were"


class ChunkProgress:
    """What a chunked POST has written, so a failing source can say so."""

    def __init__(self) -> None:
        self.records = 0
        self.chunks = 0

    def failed(self, size: int) -> str:
        """What a failed chunk of ``size`` records leaves: ``chunk 2 (1 record) not written;
        1 earlier chunk with 2 records was written; later chunks were not sent``."""
        if self.chunks:
            earlier = (f"{counted(self.chunks, 'earlier chunk')} with "
                       f"{counted(self.records, 'record')} {_was(self.chunks)} written")
        else:
            earlier = "nothing was written before it"
        return (f"chunk {self.chunks + 1} ({counted(size, 'record')}) not written; {earlier}; "
                "later chunks were not sent")

    def next_chunk(self, chunks: Iterator[list[Any]]) -> list[Any] | None:
        """The next chunk, or None at the end. When the records' source fails after some
        chunks were written, the error says how many (a re-run overwrites them by ``_id``)."""
        try:
            return next(chunks)
        except StopIteration:
            return None
        except Exception as exc:
            if self.records:
                written = (f"{counted(self.records, 'record')} in "
                           f"{counted(self.chunks, 'chunk')} {_was(self.records)} written "
                           "before the failure; the rest were not")
                log.error("%s", written)
                if isinstance(exc, CollectorError) and exc.args:
                    exc.args = (f"{exc.args[0]} ({written})", *exc.args[1:])
            raise
