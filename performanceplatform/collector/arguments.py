"""The command line of ``pp-collector`` (spec core.md §1.2–1.3)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import Any, NoReturn

from performanceplatform.collector import __version__
from performanceplatform.utils.errors import ConfigError, ExitCode, UsageError

DESCRIPTION = (
    "Performance Platform Collector collector for sending data to the performance platform"
)
EPILOG = """\
exit codes: 0 success (or DISABLE_COLLECTORS=true); 1 the run failed (bad config, source or
Backdrop error: one line on stderr says which file, key or URL); 2 bad command line (an end
before the start included); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).

environment: LOGLEVEL (DEBUG shows tracebacks), DISABLE_COLLECTORS=true (log, don't run),
PP_COLLECTOR_LOG_DIR, PP_COLLECTOR_TIMEOUT, PP_COLLECTOR_NOW, PP_COLLECTOR_SANDBOX_URL,
PP_COLLECTOR_CONCURRENCY, PP_COLLECTOR_LOG_FORMAT, PP_COLLECTOR_PROGRESS.

commands: pp-collector collectors (every collector and its status); pp-collector sample NAME
(its sample query and credentials files); pp-collector validate PATH... (check query files or
folders and show the plan, without any network call; or add --validate to a run's flags).
"""


def _load_json_file(path: str) -> dict[str, Any]:
    """``read_json_config`` for argparse: a file that is not JSON, or not a JSON object, is
    an argparse error whose message contains ``invalid _load_json_file value`` (as the
    original's). A file that cannot be read is a ``ConfigError`` (exit 1)."""
    try:
        return read_json_config(path)
    except NotJsonObject as exc:
        raise argparse.ArgumentTypeError(
            f"invalid _load_json_file value: {path!r} ({exc.reason})")


class NotJsonObject(ConfigError):
    """A config file that is not JSON, or not a JSON object."""

    def __init__(self, reason: str, where: str):
        self.reason = reason
        super().__init__(reason, where=where)


def read_json_config(path: str) -> dict[str, Any]:
    """The JSON object in the config file ``path``, which it remembers as
    ``path_to_json_file``; a ``ConfigError`` naming the file otherwise."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror or exc}", where=path)
    except UnicodeDecodeError as exc:
        raise NotJsonObject(f"not UTF-8 text: {exc}", path)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotJsonObject(f"not JSON: {exc}", path)
    if not isinstance(data, dict):
        raise NotJsonObject(f"a JSON object is expected, not {type(data).__name__}", path)
    data["path_to_json_file"] = path
    return data


def parse(text: str) -> dt.datetime:
    """``-s``/``-e``: a date as dateutil reads it (imported only when one is given)."""
    from dateutil.parser import parse as parse_date

    return parse_date(text)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Usage and one line on stderr, exit 2 (as argparse does, with the named code)."""
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


class _Peek(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """A peek never exits: the real parse reports the problem."""
        raise ValueError(message)


def _log_folder(path: str) -> str:
    """``--log-dir``: a folder, or a path where one can be made (checked before any run)."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise argparse.ArgumentTypeError(f"{path!r} is a file, not a folder")
    return path


def build_parser(token: bool = True, performanceplatform: bool = True
                 ) -> argparse.ArgumentParser:
    """``token``, ``performanceplatform``: whether ``-t``, ``-b`` are required (a local
    store needs no token; ``--store`` needs no ``-b``)."""
    parser = _Parser(
        prog="pp-collector", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--credentials", dest="credentials", type=_load_json_file,
                        required=True, help="JSON file of credentials for the source")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("-l", "--collector", dest="collector_slug",
                       help="slug of a collector whose config is fetched from Stagecraft")
    group.add_argument("-q", "--query", dest="query", type=_load_json_file,
                       help="JSON query file: entrypoint, data-set, query, options")
    parser.add_argument("-t", "--token", dest="token", type=_load_json_file,
                        required=token,
                        help='JSON file {"token": "..."}: the Backdrop bearer token')
    parser.add_argument("-b", "--performanceplatform", dest="performanceplatform",
                        type=_load_json_file, required=performanceplatform,
                        help="JSON file with backdrop_url (and stagecraft_url, "
                             "omniscient_api_token for -l)")
    parser.add_argument("-s", "--start", dest="start_at", type=parse,
                        help="start date of the period to collect (e.g. 2014-08-03)")
    parser.add_argument("-e", "--end", dest="end_at", type=parse,
                        help="end date of the period to collect")
    parser.add_argument("--console-logging", dest="console_logging", action="store_true",
                        help="log to stderr instead of the log files")
    parser.add_argument("--dry-run", dest="dry_run", action="store_true",
                        help="log what would be sent to Backdrop; send nothing")
    parser.add_argument("--log-dir", dest="log_dir", default=None, type=_log_folder,
                        help="folder of the log files (default: $PP_COLLECTOR_LOG_DIR, or "
                             "~/.local/state/pp-collector/log)")
    parser.add_argument("--concurrency", dest="concurrency", type=_concurrency, default=None,
                        metavar="N",
                        help="fetch up to N periods at once (default: the query's "
                             "options.concurrency, $PP_COLLECTOR_CONCURRENCY, or 4; capped "
                             "by each source's documented limit). Records and the order of "
                             "the writes are the same whatever N")
    parser.add_argument("--store", dest="store", metavar="URL", default=None,
                        help="where the records go, instead of backdrop_url: sqlite:///FILE, "
                             "postgresql://..., jsonl:///FILE, - (stdout) or a Backdrop URL")
    parser.add_argument("--log-format", dest="log_format", choices=("text", "json"),
                        default=None,
                        help="json: log to stderr, one JSON object a line as in the "
                             ".json.log files, instead of to the log files (for containers; "
                             "default: $PP_COLLECTOR_LOG_FORMAT, or text)")
    parser.add_argument("--progress", dest="progress", action=argparse.BooleanOptionalAction,
                        default=None,
                        help="draw a progress bar on stderr for a back-fill (default: "
                             "$PP_COLLECTOR_PROGRESS, or only when stderr is a terminal)")
    parser.add_argument("--version", action="version", version=f"pp-collector {__version__}")
    return parser


def _concurrency(text: str) -> int:
    from performanceplatform.pipeline.settings import MAX_CONCURRENCY

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_CONCURRENCY}, "
                                         f"got {text!r}")
    return value


def parse_args(args: list[str] | None = None) -> argparse.Namespace:
    """The options. A local store (``--store``, or the ``backdrop_url`` of ``-b``) needs no
    ``-t``; with ``--store`` naming one, ``-b`` may go too (``-l`` still needs it)."""
    store, flag = _peek_store(args)
    local = isinstance(store, str) and not store.lower().startswith(("http://", "https://"))
    parser = build_parser(token=not local, performanceplatform=not (local and flag))
    parsed = parser.parse_args(args)
    if parsed.collector_slug and parsed.performanceplatform is None:
        parser.error("-l/--collector needs -b/--performanceplatform (its stagecraft_url)")
    return parsed


def _peek_store(args: list[str] | None) -> tuple[Any, bool]:
    """The store URL the command line names, before the real parse (which reports any
    problem): ``--store``, else ``backdrop_url`` in the ``-b`` file; and whether it is the flag."""
    peek = _Peek(add_help=False)
    peek.add_argument("--store")
    peek.add_argument("-b", "--performanceplatform")
    try:
        known = peek.parse_known_args(args)[0]
    except ValueError:
        return None, False
    if known.store is not None or not known.performanceplatform:
        return known.store, known.store is not None
    try:
        with open(known.performanceplatform, encoding="utf-8") as handle:
            return json.load(handle).get("backdrop_url"), False
    except (OSError, ValueError, AttributeError):
        return None, False


def peek_logging(args: list[str]) -> argparse.Namespace:
    """The flags that say where a run logs (and ``-l``'s slug) when the real parse stopped
    part-way, at a config file that cannot be read: read as the real parse reads them
    (``--log-f json`` and ``--console`` too); the defaults if even that fails."""
    peek = _Peek(add_help=False)
    peek.add_argument("--console-logging", dest="console_logging", action="store_true")
    peek.add_argument("--log-format", dest="log_format")
    peek.add_argument("--log-dir", dest="log_dir")
    peek.add_argument("-l", "--collector", dest="collector_slug")
    try:
        return peek.parse_known_args(args)[0]
    except ValueError:
        return peek.parse_args([])


def utc_date(value: dt.date | dt.datetime) -> dt.date:
    """The calendar date in UTC of ``-s``/``-e``: a value without an offset is UTC."""
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.date() if isinstance(value, dt.datetime) else value


def check_dates(start_at: Any, end_at: Any) -> None:
    """``-e`` on a day before ``-s`` is refused (exit 2); both on one day is one day.

    Days are compared in UTC, so a start with an offset and an end without one are compared
    too (the collectors get the dates as given)."""
    if start_at is None or end_at is None:
        return
    start, end = utc_date(start_at), utc_date(end_at)
    if end < start:
        raise UsageError(f"-e/--end {end} is a day before -s/--start {start} (days compared "
                         "in UTC; a start and an end on the same day collect that day)")
