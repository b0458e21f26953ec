"""``pp-collector``: load the configs, resolve the collector, run it (spec core.md §1.5).

``_run_collector(entrypoint, args, logfile_path=None, logfile_name=None)`` is public: Stagecraft
calls it in-process with an ``argparse.Namespace`` of its own (spec core.md §1.15). It raises
on failure; ``main()`` turns every failure into one line on stderr and an exit code
(``utils.errors.ExitCode``): 0 ok, 1 failed, 2 bad command line, 130 Ctrl-C, 143 SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from performanceplatform.collector import early_log
from performanceplatform.collector.config import (
    validate_entrypoint,
    validate_query,
    validate_targets,
    warn_unknown_keys,
)
from performanceplatform.utils import run_counts, writes
from performanceplatform.utils.errors import CollectorError, ExitCode, Terminated
from performanceplatform.utils.redact import redact, register_secrets, secret_values

log = logging.getLogger(__name__)

_STOPPED = "_pp_collector_stopped"  # what a stopped run wrote, set on the exception


def merge_performanceplatform_config(performanceplatform: dict[str, Any] | None,
                                     data_set: dict[str, Any], token: dict[str, Any] | None,
                                     dry_run: bool = False, store: str | None = None
                                     ) -> dict[str, Any]:
    """The ``data_set_config`` handed to a collector's ``main``. ``store`` (``--store``)
    overrides ``backdrop_url``; a local store is named in ``store``, where
    ``sinks.data_set_for`` finds it (a Backdrop's config is the original's)."""
    from performanceplatform.sinks import is_backdrop

    store = store or performanceplatform["backdrop_url"]  # type: ignore[index]
    config = {
        "url": "{}/{}/{}".format(store, data_set["data-group"], data_set["data-type"]),
        "token": token["token"] if token else None,
        "data-group": data_set["data-group"],
        "data-type": data_set["data-type"],
        "dry_run": dry_run,
    }
    if not is_backdrop(store):
        config["store"] = store
    return config


def _get_query_params(query: dict[str, Any]) -> str:
    """The query's items as sorted ``k=v`` pairs, for the JSON log.

    >>> _get_query_params({'query': {'a': 1, 'c': 3, 'b': 5}})
    'a=1 b=5 c=3'
    """
    return " ".join(f"{key}={value}" for key, value in sorted(query["query"].items()))


def make_extra_json_fields(args: argparse.Namespace) -> dict[str, Any]:
    data_set = args.query["data-set"]
    fields = {
        "data_group": data_set["data-group"],
        "data_type": data_set["data-type"],
        "data_group_data_type": "{}/{}".format(data_set["data-group"], data_set["data-type"]),
        "query": _get_query_params(args.query),
    }
    if "path_to_json_file" in args.query:
        fields["path_to_query"] = args.query["path_to_json_file"]
    return fields


def _log_collector_instead_of_running(entrypoint: str, args: argparse.Namespace) -> None:
    shown = {
        "start_at": args.start_at,
        "end_at": args.end_at,
        "query": {key: args.query[key] for key in ("data-set", "query", "options")},
    }
    log.info("Collector %s NOT run with the following %s", entrypoint, shown)


def _set_up_logging(entrypoint: str, args: argparse.Namespace, logfile_path: str | None,
                    logfile_name: str | None) -> list[logging.Handler]:
    """Install this run's log handlers on the root logger; return them."""
    from performanceplatform.collector import logging_setup

    before = list(logging.getLogger().handlers)
    if _json_log(args):
        logging_setup.set_up_console_logging(logging_setup.log_level(), ["collector", entrypoint],
                                             make_extra_json_fields(args))
    elif getattr(args, "console_logging", False):
        logging_setup.set_up_console_logging(logging_setup.log_level())
    else:
        logging_setup.logging_for_entrypoint(
            entrypoint, make_extra_json_fields(args),
            logfile_path or getattr(args, "log_dir", None), logfile_name)
    return [h for h in logging.getLogger().handlers if h not in before]


def _json_log(args: argparse.Namespace) -> bool:
    """Whether the log is JSON on stderr (``--log-format json``, ``PP_COLLECTOR_LOG_FORMAT``)."""
    from performanceplatform.collector.logging_setup import JSON, log_format

    try:
        return log_format(getattr(args, "log_format", None)) == JSON
    except CollectorError:
        return False


def _remove_handlers(handlers: list[logging.Handler]) -> None:
    """Close this run's handlers, and only them (a long-lived worker keeps its own)."""
    root = logging.getLogger()
    for handler in handlers:
        root.removeHandler(handler)
        handler.close()


def _where(args: argparse.Namespace) -> str:
    """The file (or Stagecraft slug) the query config came from, for error lines."""
    if isinstance(args.query, dict) and args.query.get("path_to_json_file"):
        return str(args.query["path_to_json_file"])
    slug = getattr(args, "collector_slug", None)
    return f"stagecraft collector '{slug}'" if slug else "query config"


def _run_collector(entrypoint: str, args: argparse.Namespace, logfile_path: str | None = None,
                   logfile_name: str | None = None) -> str | None:
    """Run the collector ``entrypoint`` with the configs in ``args``; the summary line of a
    run that wrote (``collector.summary``), also logged."""
    where = _where(args)
    validate_query(args.query, where)
    store = validate_targets(args.token, args.performanceplatform, getattr(args, "store", None))
    from performanceplatform.sinks.url import url_secrets

    register_secrets([args.token.get("token") if args.token else None, *url_secrets(store)])
    if isinstance(args.credentials, dict):
        register_secrets(secret_values(args.credentials))
    handlers = _set_up_logging(entrypoint, args, logfile_path, logfile_name)
    early_log.replay()
    console = getattr(args, "console_logging", False) and not _json_log(args)
    with writes.recording(reuse_current=True) as run, \
            run_counts.counting(reuse_current=True) as counts:
        try:
            if os.environ.get("DISABLE_COLLECTORS") == "true":
                _log_collector_instead_of_running(entrypoint, args)
                return None
            _collect(entrypoint, args, where, store)
            return _summary(args, store, run, counts)
        except (KeyboardInterrupt, Terminated) as exc:
            setattr(exc, _STOPPED, run.summary())
            if not console:  # on the console main() says it
                log.error("%s: %s", _stop_reason(exc), run.summary())
            early_log.mark_logged(exc)
            raise
        except Exception as exc:
            if not console:
                _log_failure(exc)
            early_log.mark_logged(exc)
            raise
        finally:
            run.warn_about_duplicates()
            _remove_handlers(handlers)


def _summary(args: argparse.Namespace, store: str, run: writes.Writes,
             counts: run_counts.RequestCounts) -> str:
    from performanceplatform.collector import summary

    dry_run = bool(getattr(args, "dry_run", False))
    line = summary.line(run, counts, summary.target(args.query["data-set"], store), dry_run)
    summary.log_line(line, run, counts, dry_run)
    return line


def _collect(entrypoint: str, args: argparse.Namespace, where: str, store: str) -> None:
    """Resolve the collector, warn about unknown keys, call its ``main`` (writing to
    ``store``)."""
    from performanceplatform.collector.entrypoints import missing_module, resolve

    collector = resolve(entrypoint, where)
    if collector.retired:
        from performanceplatform.utils.retired import warn_retired

        warn_retired(f"collector '{entrypoint}'", collector.retired)
    query = args.query
    warn_unknown_keys(collector, query["query"], query["options"], where)
    data_set = query["data-set"]
    log.info("Running collection into %s/%s", data_set["data-group"], data_set["data-type"])
    data_set_config = merge_performanceplatform_config(
        args.performanceplatform, data_set, args.token, getattr(args, "dry_run", False), store)
    try:
        from performanceplatform.pipeline.settings import run_settings

        with run_settings(getattr(args, "concurrency", None), where):
            collector.main(args.credentials, data_set_config, query["query"], query["options"],
                           args.start_at, args.end_at)
    except ModuleNotFoundError as exc:  # a lazy import of the collector's own dependency
        raise missing_module(entrypoint, entrypoint, exc, where) from exc


def _log_failure(exc: BaseException) -> None:
    from performanceplatform.collector.logging_setup import extra_fields_from_exception

    extra = extra_fields_from_exception(exc)
    if isinstance(exc, CollectorError):
        log.error("%s", exc, exc_info=log.isEnabledFor(logging.DEBUG), extra=extra)
    else:
        log.error("Unhandled exception: %s", traceback.format_exc(), extra=extra)


def _load_query(args: argparse.Namespace) -> None:
    if args.collector_slug:
        from performanceplatform.client.stagecraft import get_config

        register_secrets(secret_values(args.performanceplatform))
        args.query = get_config(args.collector_slug, args.performanceplatform)
        register_secrets([args.query["data-set"].get("bearer_token")])


def _log_early_failure(args: argparse.Namespace, exc: BaseException,
                       message: str | None = None) -> None:
    """A failure before the run's log was open still goes to a log (see ``early_log``).
    ``args``: the parsed command line, or what ``arguments.peek_logging`` read of it."""
    fields = {"collector_slug": args.collector_slug} if args.collector_slug else {}
    early_log.log_failure(exc, args.console_logging, args.log_dir, fields, message,
                          json_log=_json_log(args))


def _report(exc: BaseException) -> int:
    """One line on stderr for a failure (a traceback too when LOGLEVEL=DEBUG); the exit code."""
    if os.environ.get("LOGLEVEL", "").upper() == "DEBUG":
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        print(redact(text), file=sys.stderr, end="")
    if isinstance(exc, CollectorError):
        line = str(exc)
    else:
        line = f"unexpected {type(exc).__name__}: {exc}"
    print(f"pp-collector: error: {redact(line)}", file=sys.stderr)
    return exc.exit_code if isinstance(exc, CollectorError) else ExitCode.FAILED


def _stop_reason(exc: BaseException) -> str:
    return "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted (Ctrl-C)"


def _report_stop(exc: BaseException, args: argparse.Namespace) -> int:
    """A run stopped by a signal: one line saying what was written, 143 or 130."""
    line = f"{_stop_reason(exc)}: {getattr(exc, _STOPPED, 'no records were written')}"
    if not early_log.was_logged(exc):
        _log_early_failure(args, exc, line)
    print(f"pp-collector: {line}", file=sys.stderr)
    return ExitCode.TERMINATED if isinstance(exc, Terminated) else ExitCode.INTERRUPTED


def _raise_on_sigterm() -> Callable[[], object]:
    """Turn SIGTERM into ``Terminated`` in the main thread; return what restores the old
    handler. A second SIGTERM while the first is being reported is ignored."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated("SIGTERM")

    previous = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _prepare(args: argparse.Namespace) -> str:
    """Load the query (from Stagecraft with ``-l``) and check it; the entrypoint to run."""
    from performanceplatform.collector.arguments import check_dates
    from performanceplatform.collector.logging_setup import log_format, log_level

    log_format(args.log_format)  # a bad PP_COLLECTOR_LOG_FORMAT is named
    with early_log.held(log_level()):
        _load_query(args)
        entrypoint = validate_entrypoint(args.query, _where(args))
        check_dates(args.start_at, args.end_at)
    return entrypoint


def run(argv: list[str]) -> None:
    """What ``pp-collector ARGV`` does, in-process, raising instead of printing.

    For long-lived callers (the Celery task, which counts the writes with
    ``utils.writes.recording()``): a ``CollectorError`` says what failed; a bad command line
    raises ``SystemExit(2)`` as argparse does.
    """
    from performanceplatform.collector.arguments import parse_args

    args = parse_args(argv)
    with run_counts.counting(reuse_current=True):
        _run_collector(_prepare(args), args)


def _run_on_terminal(args: argparse.Namespace) -> None:
    """``pp-collector ARGS`` as a person or cron runs it: a progress bar on a terminal
    (``collector.progress_bar``), and the summary line on stderr when the log is elsewhere
    and stderr is a terminal (under cron, stderr stays silent on success)."""
    from performanceplatform.collector.progress_bar import is_terminal, terminal_progress

    with run_counts.counting():
        entrypoint = _prepare(args)
        json_log = _json_log(args)
        with terminal_progress(_data_set_name(args), args.progress, json_log):
            line = _run_collector(entrypoint, args)
    if line and not (args.console_logging or json_log) and is_terminal(sys.stderr):
        print(f"pp-collector: {line}", file=sys.stderr)


def _data_set_name(args: argparse.Namespace) -> str:
    """``group/type`` of the query's data set ("" if the query is bad: the run says why)."""
    try:
        data_set = args.query["data-set"]
        return f"{data_set['data-group']}/{data_set['data-type']}"
    except (KeyError, TypeError):
        return ""


def main(argv: list[str] | None = None) -> int:
    """The console script. Returns (and exits with) the exit code."""
    from performanceplatform.collector import commands
    from performanceplatform.collector.arguments import parse_args, peek_logging

    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (README: Installing)
        commands.complete()
    words = sys.argv[1:] if argv is None else argv
    if commands.is_command(words):  # a subcommand; the original interface starts with a flag
        code = commands.run(words)
        if argv is None:
            sys.exit(int(code))
        return int(code)
    args = None
    restore = _raise_on_sigterm()
    try:
        args = parse_args(words)
        _run_on_terminal(args)
    except (KeyboardInterrupt, Terminated) as exc:
        code = _report_stop(exc, args or peek_logging(words))
    except Exception as exc:  # every failure leaves through here as one line
        if not early_log.was_logged(exc):
            _log_early_failure(args or peek_logging(words), exc)
        code = _report(exc)
    else:
        code = ExitCode.OK
    finally:
        restore()
    if argv is None:
        sys.exit(int(code))
    return int(code)
