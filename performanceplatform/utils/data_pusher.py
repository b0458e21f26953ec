"""``Pusher``: the usual way a collector writes its records (spec core.md §1.11)."""

from __future__ import annotations

import logging
from typing import Any

from performanceplatform.client import DataSet
from performanceplatform.utils.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 100


def check_push_options(chunk_size: Any, empty_data_set: Any) -> None:
    """``chunk-size`` is a whole number (0: one POST) and ``empty-data-set`` a boolean;
    checked before anything is written, so a typo never empties a data set."""
    problems = []
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 0:
        problems.append(f"key 'options.chunk-size': expected a whole number >= 0, "
                        f"got {chunk_size!r}")
    if not isinstance(empty_data_set, bool):
        problems.append(f"key 'options.empty-data-set': expected true or false, "
                        f"got {empty_data_set!r}")
    if problems:
        raise ConfigError("; ".join(problems), where="query config")


class Pusher:
    """Writes records to the configured data set with the ``chunk-size`` and
    ``empty-data-set`` options."""

    def __init__(self, target_data_set_config: dict[str, Any], options: dict[str, Any]):
        self.data_set = DataSet.from_config(target_data_set_config)
        self.chunk_size = options.get("chunk-size", DEFAULT_CHUNK_SIZE)
        self.empty_data_set = options.get("empty-data-set", False)
        check_push_options(self.chunk_size, self.empty_data_set)

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
