"""Log lines from before the run's log can be opened.

The log files' JSON fields name the data set, which with ``-l`` is known only once Stagecraft
has answered. Until then the records are held here. The run replays them into its log once
that is set up; a run that fails before then opens a log of its own for them and for its
error, so that a failing cron job leaves its reason in the log files as well as on stderr.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_pending: list[logging.LogRecord] = []
_LOGGED = "_pp_collector_logged"


class _Holder(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _pending.append(record)


@contextmanager
def held(level: int) -> Iterator[None]:
    """Hold every record at ``level`` or above logged inside the block."""
    root = logging.getLogger()
    holder, old_level = _Holder(level), root.level
    root.addHandler(holder)
    root.setLevel(min(old_level, level))
    try:
        yield
    finally:
        root.removeHandler(holder)
        root.setLevel(old_level)


def replay() -> None:
    """Send the held records to the root logger's handlers, once."""
    root = logging.getLogger()
    while _pending:
        record = _pending.pop(0)
        if root.isEnabledFor(record.levelno):
            root.handle(record)


def mark_logged(exc: BaseException) -> None:
    setattr(exc, _LOGGED, True)


def was_logged(exc: BaseException) -> bool:
    return bool(getattr(exc, _LOGGED, False))


def log_failure(exc: BaseException, console: bool, log_dir: str | None,
                fields: dict[str, Any], message: str | None = None,
                json_log: bool = False) -> None:
    """Open a log for a run that failed before its own, write the held records and the error
    (``message``, default the exception's text).

    On the console only the held records are shown: the CLI prints the error line itself.
    A JSON log on stderr (``json_log``) gets the error too, as the log files do.
    """
    from performanceplatform.collector import logging_setup
    from performanceplatform.utils.errors import ConfigError

    root = logging.getLogger()
    before = list(root.handlers)
    try:
        if json_log:
            logging_setup.set_up_console_logging(logging_setup.log_level(),
                                                 ["collector", "pp-collector"], fields)
            console = False
        elif console:
            logging_setup.set_up_console_logging(logging_setup.log_level())
        else:
            logging_setup.set_up_logging("pp-collector", logging_setup.log_level(), log_dir,
                                         None, fields)
        replay()
        if not console:
            logging.getLogger("performanceplatform.collector.main").error(
                "%s", message or exc, extra=logging_setup.extra_fields_from_exception(exc))
    except (OSError, ConfigError):
        pass  # no log folder: stderr still has the line
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        _pending.clear()
