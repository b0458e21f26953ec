"""The one boundary through which the pipeline writes records.

It wraps ``sinks.pusher.Pusher`` and so the data set of ``sinks.data_set_for``: a Backdrop
(chunked POSTs, ``empty-data-set``, dry runs) or a local store behind the same data-set
object, so the pipeline does not change with the store.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any

log = logging.getLogger(__name__)

_NONE = object()


class Sink:
    """Where one run's records go, with the ``chunk-size`` and ``empty-data-set`` options."""

    def __init__(self, data_set_config: dict[str, Any], options: Mapping[str, Any],
                 in_flight: int = 1):
        from performanceplatform.sinks.pusher import Pusher

        self._pusher = Pusher(data_set_config, dict(options))
        self.in_flight = in_flight  # POSTs at once (``client.in_flight``)

    @property
    def chunk_size(self) -> int:
        """Records per POST (0: one POST of everything)."""
        return int(self._pusher.chunk_size)

    @property
    def must_see_all(self) -> bool:
        """Whether every record must be known before the first write (empty-then-write)."""
        return bool(self._pusher.empty_data_set)

    def write_object(self, record: dict[str, Any]) -> None:
        """POST one record as a JSON object (not a list)."""
        self._pusher.data_set.post(record)

    def replace(self, records: list[dict[str, Any]]) -> None:
        """Empty the data set, then POST every record in one request, even none (what
        ``ga.trending`` always did: ``PUT []``, then ``POST [...]``)."""
        data_set = self._pusher.data_set
        data_set.empty_data_set()
        data_set.post(records)

    def write(self, records: Iterable[dict[str, Any]]) -> None:
        """Write the records, in order, chunk by chunk as they come, ``in_flight`` POSTs at
        once; nothing at all when there are none (as ``Pusher`` does for a list)."""
        stream = iter(records)
        first = next(stream, _NONE)
        if first is _NONE:
            log.info("Doing nothing - no data to push")
            return
        self._pusher.push(chain([first], stream), self.in_flight)
