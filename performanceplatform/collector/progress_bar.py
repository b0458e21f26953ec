"""A progress bar on the terminal for back-fills: units done of planned, records, rate, ETA.

    g/t  40%|████      | 4/10 periods [00:02<00:03, 1.90 periods/s, 120 records written]

Drawn with tqdm (chosen over rich, enlighten and alive-progress: one small pure-Python
package with no dependencies of its own, among the most used on PyPI and long maintained;
rate and ETA come with it). Shown only when it helps a person watching:

- stderr is a terminal, and the log is not JSON (``--log-format json`` is for machines);
- the run plans more than one unit (a back-fill; a one-period cron run gets no bar);
- ``--no-progress`` or ``PP_COLLECTOR_PROGRESS=0`` turns it off; ``--progress`` or
  ``PP_COLLECTOR_PROGRESS=1`` draws it even when stderr is not a terminal.

Under cron (stderr a pipe or a file) nothing is drawn. Log lines written to stderr while the
bar is up (``--console-logging``) clear it and redraw it below, so neither is garbled. The
bar is removed when the run ends; the summary line (``collector.summary``) follows.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from performanceplatform.pipeline import progress
from performanceplatform.utils import writes

ENV_PROGRESS = "PP_COLLECTOR_PROGRESS"
BAR_FORMAT = ("{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}{unit} "
              "[{elapsed}<{remaining}, {rate_fmt}{postfix}]")


def wanted(flag: bool | None, json_log: bool, stream: TextIO | None = None) -> bool:
    """Whether to draw a bar: the flag, else ``PP_COLLECTOR_PROGRESS``, else whether
    ``stream`` (stderr) is a terminal and the log is not JSON."""
    if flag is not None:
        return flag
    env = os.environ.get(ENV_PROGRESS, "").strip()
    if env in ("0", "1"):
        return env == "1"
    stream = stream if stream is not None else sys.stderr
    return not json_log and is_terminal(stream)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


class TerminalBar:
    """A ``pipeline.progress`` observer that draws one tqdm bar on ``stream``."""

    def __init__(self, label: str, stream: TextIO):
        self.label = label
        self.stream = stream
        self._bar: Any = None
        self._handlers: list[tuple[logging.StreamHandler, Any]] = []

    def planned(self, units: Sequence[Any], noun: str) -> None:
        if len(units) < 2 or self._bar is not None:
            return
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: updates come from the run
        plural = noun if noun.endswith("s") else f"{noun}s"
        self._bar = tqdm(total=len(units), desc=self.label, unit=f" {plural}", file=self.stream,
                         leave=False, dynamic_ncols=True, bar_format=BAR_FORMAT,
                         postfix=self._written())
        self._route_log_lines(tqdm)

    def unit_done(self, unit: Any) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(self._written(), refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        """Remove the bar (idempotent); log lines go straight to stderr again."""
        if self._bar is None:
            return
        for handler, stream in self._handlers:
            handler.setStream(stream)
        self._handlers.clear()
        self._bar.close()
        self._bar = None

    @staticmethod
    def _written() -> str:
        run = writes.current()
        if run is None:
            return ""
        if run.would_write and not run.records:
            return f"{run.would_write} records would be written"
        return f"{run.records} records written"

    def _route_log_lines(self, tqdm: Any) -> None:
        """Log handlers writing to the bar's stream write around the bar."""
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is self.stream:
                self._handlers.append((handler, handler.setStream(_AroundBar(
                    self.stream, tqdm))))


class _AroundBar:
    """A stream whose writes clear the bar first and redraw it after."""

    def __init__(self, stream: TextIO, tqdm: Any):
        self._stream = stream
        self._tqdm = tqdm

    def write(self, text: str) -> int:
        with self._tqdm.external_write_mode(file=self._stream):
            return self._stream.write(text)

    def flush(self) -> None:
        self._stream.flush()


@contextmanager
def terminal_progress(label: str, flag: bool | None, json_log: bool
                      ) -> Iterator[TerminalBar | None]:
    """A bar for the runs inside the block when one is ``wanted``; it is removed at the
    end however the block ends."""
    if not wanted(flag, json_log):
        yield None
        return
    bar = TerminalBar(label, sys.stderr)
    try:
        with progress.observing(bar):
            yield bar
    finally:
        bar.close()
