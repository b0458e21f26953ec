"""The one line that ends every successful run.

    wrote 120 records to matomo/browsers in 2.4 s (12 requests, 1 retry)

- ``N records``: the records the store accepted (``utils.writes``); a dry run says ``would
  write`` and counts what it would have sent.
- ``to group/type``: the data set; a local store is named after it (``in
  sqlite:///pp.db``, ``on standard output`` for ``--store -``), a Backdrop is not (its URL
  is in the log already).
- ``T s``: since the run started (Stagecraft's answer included, for ``-l``).
- ``K requests, R retries``: every HTTP request the run sent (source, token endpoint,
  Stagecraft, the store's Backdrop), retries included, as the server logs them; ``R`` of
  them repeated a failed attempt (``utils.run_counts``).

It is logged whatever ``LOGLEVEL`` says (INFO, logger ``pp_collector.summary``, with the
numbers as fields in the JSON log). A failed or stopped run ends with its one failure line
instead, which already says what was and was not written, so no summary contradicts it.
"""

from __future__ import annotations

import logging
from typing import Any

from performanceplatform.utils.run_counts import RequestCounts
from performanceplatform.utils.writes import Writes

log = logging.getLogger("pp_collector.summary")


def _counted(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def target(data_set: dict[str, Any], store: str) -> str:
    """The data set as ``group/type``, with the local store it is in."""
    from performanceplatform.sinks import is_backdrop, parse_store_url
    from performanceplatform.sinks.jsonl import STDOUT

    name = f"{data_set['data-group']}/{data_set['data-type']}"
    if is_backdrop(store):
        return name
    parsed = parse_store_url(store)
    if parsed.target == STDOUT:
        return f"{name} on standard output"
    return f"{name} in {parsed.shown}"


def line(written: Writes, counts: RequestCounts, where: str, dry_run: bool) -> str:
    records = written.would_write if dry_run else written.records
    return (f"{'would write' if dry_run else 'wrote'} {_counted(records, 'record', 'records')} "
            f"to {where} in {counts.seconds:.1f} s "
            f"({_counted(counts.requests, 'request', 'requests')}, "
            f"{_counted(counts.retries, 'retry', 'retries')})")


def log_line(text: str, written: Writes, counts: RequestCounts, dry_run: bool) -> None:
    """Log ``text`` at INFO even when ``LOGLEVEL`` is higher: it is the run's last word."""
    fields = {"records": written.would_write if dry_run else written.records,
              "requests": counts.requests, "retries": counts.retries,
              "seconds": round(counts.seconds, 3), "dry_run": dry_run}
    path, line_number, function, _ = log.findCaller()
    record = log.makeRecord(log.name, logging.INFO, path, line_number, "%s", (text,), None,
                            function, {"summary": fields})
    log.handle(record)  # handle(), not info(): the logger's level is not consulted
