"""``Pusher``: the usual way a collector writes its records (spec core.md §1.11)."""

from __future__ import annotations

import logging
from typing import Any

from performanceplatform.client import DataSet
from performanceplatform.utils.checks import Problems

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 100


class Pusher:
    """Writes records to the configured data set with the ``chunk-size`` and
    ``empty-data-set`` options."""

    def __init__(self, target_data_set_config: dict[str, Any], options: dict[str, Any]):
        problems = Problems("query config")  # a typo must never empty a data set
        problems.chunk_size(options)
        problems.boolean(options, "empty-data-set", "options.empty-data-set")
        problems.raise_if_any()
        self.data_set = DataSet.from_config(target_data_set_config)
        self.chunk_size = options.get("chunk-size", DEFAULT_CHUNK_SIZE)
        self.empty_data_set = options.get("empty-data-set", False)

    def push(self, data: Any) -> None:
        """Write ``data`` (a list or any iterable of records).

        With ``empty-data-set`` the records are all fetched before the data set is emptied,
        so a source failure half-way never leaves it empty. Otherwise an iterator is streamed
        chunk by chunk.
        """
        if self.empty_data_set and not isinstance(data, (list, tuple, dict)):
            data = list(data)
        if not data:
            log.info("Doing nothing - no data to push")
            return
        if self.empty_data_set:
            self.data_set.empty_data_set()
        self.data_set.post(data, chunk_size=self.chunk_size)
