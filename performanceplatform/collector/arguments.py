"""The command line of ``pp-collector`` (spec core.md §1.2–1.3)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from dateutil.parser import parse

from performanceplatform.utils.errors import ConfigError

DESCRIPTION = (
    "Performance Platform Collector collector for sending data to the performance platform"
)
EPILOG = """\
exit codes: 0 success (or DISABLE_COLLECTORS=true); 1 the run failed (bad config, source or
Backdrop error: one line on stderr says which file, key or URL); 2 bad command line.

environment: LOGLEVEL (DEBUG shows tracebacks), DISABLE_COLLECTORS=true (log, don't run),
PP_COLLECTOR_LOG_DIR, PP_COLLECTOR_TIMEOUT, PP_COLLECTOR_NOW, PP_COLLECTOR_SANDBOX_URL,
PP_COLLECTOR_CONCURRENCY.
"""


def _load_json_file(path: str) -> dict[str, Any]:
    """Load a JSON object from ``path`` and remember where it came from.

    A file that is not JSON, or not a JSON object, is an argparse error whose message
    contains ``invalid _load_json_file value`` (as the original's). A file that cannot be
    read is a ``ConfigError`` (exit 1).
    """
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror or exc}", where=path)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"invalid _load_json_file value: {path!r} (not JSON: {exc})")
    if not isinstance(data, dict):
        raise argparse.ArgumentTypeError(
            f"invalid _load_json_file value: {path!r} (a JSON object is expected, "
            f"not {type(data).__name__})")
    data["path_to_json_file"] = path
    return data


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pp-collector", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--credentials", dest="credentials", type=_load_json_file,
                        required=True, help="JSON file of credentials for the source")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("-l", "--collector", dest="collector_slug",
                       help="slug of a collector whose config is fetched from Stagecraft")
    group.add_argument("-q", "--query", dest="query", type=_load_json_file,
                       help="JSON query file: entrypoint, data-set, query, options")
    parser.add_argument("-t", "--token", dest="token", type=_load_json_file, required=True,
                        help='JSON file {"token": "..."}: the Backdrop bearer token')
    parser.add_argument("-b", "--performanceplatform", dest="performanceplatform",
                        type=_load_json_file, required=True,
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
    parser.add_argument("--log-dir", dest="log_dir", default=None,
                        help="folder of the log files (default: $PP_COLLECTOR_LOG_DIR, or "
                             "~/.local/state/pp-collector/log)")
    parser.add_argument("--concurrency", dest="concurrency", type=_concurrency, default=None,
                        metavar="N",
                        help="fetch up to N periods at once (default: the query's "
                             "options.concurrency, $PP_COLLECTOR_CONCURRENCY, or 4; capped "
                             "by each source's documented limit). Records and the order of "
                             "the writes are the same whatever N")
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
    return build_parser().parse_args(args)
