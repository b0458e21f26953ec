"""A data set in a local store (SQLite, PostgreSQL, JSON Lines) with the Backdrop client's API.

``StoreDataSet`` is a ``DataSet`` whose one HTTP method, ``_send``, becomes a ``Sink`` call:
a POST writes one chunk, ``PUT []`` empties the data set. Everything else is the Backdrop
client's own code, so chunking (``chunk-size``), the wording of a failed chunk, what a write
after ``empty-data-set`` says, the written-records tally and the dry run (nothing opened,
nothing written; the log says what would go where) mean the same for every store.
"""

from __future__ import annotations

import logging
from typing import Any

from performanceplatform.client.base import counted, encode_json
from performanceplatform.client.data_set import DataSet
from performanceplatform.sinks.base import Sink, as_posted
from performanceplatform.utils.errors import SinkError

log = logging.getLogger(__name__)


class StoreDataSet(DataSet):
    def __init__(self, sink: Sink, dry_run: bool = False):
        super().__init__(sink.describe(), None, dry_run)
        self.sink = sink

    def post(self, records: Any, chunk_size: int = 0) -> Any:
        """Write records, chunk by chunk as the Backdrop client does; then close the store."""
        try:
            return super().post(records, chunk_size=chunk_size)
        finally:
            self.sink.close()

    def empty_data_set(self) -> Any:
        try:
            return super().empty_data_set()
        finally:
            self.sink.close()

    def _send(self, method: str, url: str, data: Any, params: dict[str, Any] | None) -> Any:
        if method == "POST":
            self.sink.write(as_posted(data))
        elif method == "PUT" and data == []:
            self.sink.empty()
        else:
            raise SinkError(f"{method} is not something {url} does: it only takes writes",
                            url=url)
        return None

    def _log_dry_run(self, method: str, url: str, headers: dict[str, str], data: Any) -> None:
        if method == "PUT":
            log.info("dry run: would empty %s", url)
            return
        number = len(data) if isinstance(data, list) else 1
        log.info("dry run: would write %s to %s", counted(number, "record"), url)
        log.info("%s", encode_json(data))
