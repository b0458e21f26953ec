"""A Backdrop data set: chunked POSTs of records, and emptying (spec core.md §2.8)."""

from __future__ import annotations

from typing import Any

from performanceplatform.client.base import BaseClient
from performanceplatform.client.chunks import counted
from performanceplatform.utils import writes
from performanceplatform.utils.errors import ConfigError, SinkError


class DataSet(BaseClient):
    """The data set at ``base_url`` (``<backdrop_url>/<group>/<type>``)."""

    _emptied = False  # set by empty_data_set(), so a failed write can say so

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DataSet:
        """The Backdrop at ``config["url"]``. A config naming a local store (``store``, from
        ``--store`` or ``backdrop_url``) is refused: the store is chosen in one place,
        ``sinks.data_set_for``, which ``Pusher`` and the pipeline write through."""
        if config.get("store"):
            raise ConfigError("DataSet.from_config writes to a Backdrop only and this run's "
                              "records go to a local store: write them through "
                              "performanceplatform.sinks.data_set_for(data_set_config) or Pusher",
                              where="data_set_config", key="store")
        return cls(config["url"], config["token"], config["dry_run"])

    @classmethod
    def from_name(cls, api_url: str, name: str, dry_run: bool = False) -> DataSet:
        return cls(f"{api_url}/{name}".rstrip("/"), None, dry_run)

    @classmethod
    def from_group_and_type(cls, api_url: str, data_group: str, data_type: str,
                            dry_run: bool = False, token: str | None = None) -> DataSet:
        return cls(f"{api_url}/{data_group}/{data_type}".rstrip("/"), token, dry_run)

    def set_token(self, token: str) -> None:
        if not isinstance(token, str):
            raise Exception("token must be a string")
        self._token = token

    def get(self, query_parameters: dict[str, Any] | None = None) -> Any:
        return self._get("", params=query_parameters)

    def post(self, records: Any, chunk_size: int = 0, in_flight: int = 1) -> Any:
        """POST records: one request, or one per ``chunk_size`` records of any iterable
        (``in_flight`` of them at once: ``client.in_flight``).

        After ``empty_data_set()`` a failed write says that the data set was emptied and what
        it holds now (only what this write got in before the failure). Within a run
        (``utils.writes``) every record is seen on its way, for the run's duplicate-id check."""
        run = writes.current()
        try:
            return self._post("", run.watch(records) if run else records, chunk_size=chunk_size,
                              in_flight=in_flight)
        except SinkError as exc:
            if not self._emptied:
                raise
            raise SinkError(f"{exc}; the data set was emptied before this write and now holds "
                            f"{_holds(exc.written_records)}: re-run to fill it", url=exc.url,
                            status=exc.status, written_records=exc.written_records,
                            written_chunks=exc.written_chunks,
                            written_ranges=exc.written_ranges) from exc

    def empty_data_set(self) -> Any:
        """Remove every record: ``PUT []``."""
        answer = self._put("", [])
        if not self.dry_run:
            self._emptied = True
            run = writes.current()
            if run is not None:
                run.emptied_data_set()
        return answer

    def _request(self, method: str, path: str, data: Any = None,
                 params: dict[str, Any] | None = None) -> Any:
        """Each accepted POST is reported to the current run (``utils.writes``); a dry run's
        as what it would have written."""
        answer = super()._request(method, path, data=data, params=params)
        run = writes.current()
        if run is not None and method == "POST":
            count = len(data) if isinstance(data, (list, tuple)) else 1  # a dict: one record
            if self.dry_run:
                run.would_have_written(count)
            else:
                run.wrote(count)
        return answer


def _holds(written: int) -> str:
    if not written:
        return "no records"
    return f"only the {counted(written, 'record')} written before the failure"
