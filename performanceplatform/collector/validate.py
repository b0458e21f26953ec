"""``pp-collector validate``: check configs as a run would, and show its plan, without running.

    pp-collector validate [-c CREDS] [-t TOKEN] [-b PP | --store URL] [-s START -e END]
                          [--json] PATH...
    pp-collector validate --jobs JOBS_FILE [--config-dir DIR] [--store URL] [--json]
    pp-collector -q QUERY -c CREDS -t TOKEN -b PP [-s START -e END] --validate

Each PATH is a query file or a folder searched for ``*.json`` query files (JSON objects
without any query-file key are skipped, so a whole config folder can be given). ``-c``,
``-t``, ``-b``/``--store`` are the files a run would be given, once for every query file.
``--jobs`` pairs each query file with its own files instead, as the crontab generator does
(``collector.crontab``'s parser; names relative to ``--config-dir``, by default the jobs
file's folder); a ``-l`` job is listed as not checked.
Every query file gets the core's checks (the keys every query needs, the entrypoint), the
unknown keys with the nearest known one, and its collector's own checks and plan (the
pipeline's ``runner.planning``), with the store and data set it would write to. A built-in
collector's ``main`` runs inside ``runner.planning()`` and ``http.offline()``, so it stops
after planning and any request raises instead of being sent: no network call is made, no
store is opened, no log file is written. ``-l`` (a config in Stagecraft) is refused: reading
it is a network call.

Exit codes: 0 every file is fine, 1 any problem (each on one line naming the file and the
key), 2 a bad command line.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dateutil.parser import parse

from performanceplatform.collector.validate_report import Report, Shared, print_json, print_text
from performanceplatform.utils.errors import ConfigError, ExitCode, UsageError

HELP = ("Check query files (and the credentials, token and store they would run with) "
        "without running them: every problem on one line naming the file and key, unknown "
        "keys with the nearest known one, and the plan (periods, data set, store). Makes no "
        "network call. Exit 0: all fine; 1: problems; 2: bad command line.")
QUERY_FILE_KEYS = frozenset({"entrypoint", "data-set", "query", "options"})
NO_CREDENTIALS = "credentials (not given: give -c)"  # where a missing -c is named
NO_STAGECRAFT = ("-l/--collector reads the config from Stagecraft, a network call, which "
                 "validate never makes: validate a query file (-q FILE or PATH) instead")


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="query files, or folders searched for *.json query files")
    parser.add_argument("-q", "--query", dest="queries", action="append", default=[],
                        metavar="FILE", help="a query file (as PATH; may be repeated)")
    parser.add_argument("-c", "--credentials", metavar="FILE",
                        help="credentials file, for every query file (without it the "
                             "credentials are not checked)")
    parser.add_argument("-t", "--token", metavar="FILE", help="Backdrop token file")
    parser.add_argument("-b", "--performanceplatform", metavar="FILE",
                        help="file with backdrop_url: the store to check")
    parser.add_argument("--store", metavar="URL", help="the store to check instead of "
                                                       "backdrop_url")
    parser.add_argument("-s", "--start", dest="start_at", type=parse,
                        help="start of the back-fill to plan")
    parser.add_argument("-e", "--end", dest="end_at", type=parse,
                        help="end of the back-fill to plan")
    parser.add_argument("--jobs", metavar="JOBS_FILE",
                        help="validate every job of a crontab jobs file, each query with its "
                             "own credentials, token and performanceplatform files")
    parser.add_argument("--config-dir", metavar="DIR",
                        help="the folder the jobs file's names are relative to (default: "
                             "the jobs file's folder)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON document: a report per file and the summary")
    parser.add_argument("-l", "--collector", dest="collector_slug", metavar="SLUG",
                        help="refused: " + NO_STAGECRAFT)
    # the run's own flags, accepted so that any run's command line takes --validate
    for flag in ("--console-logging", "--dry-run"):
        parser.add_argument(flag, action="store_true", help=argparse.SUPPRESS)
    for flag in ("--log-dir", "--concurrency"):
        parser.add_argument(flag, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """``pp-collector validate`` with the parsed ``args``: the exit code."""
    from performanceplatform.collector.arguments import check_dates

    if args.collector_slug:
        raise UsageError(NO_STAGECRAFT, key="-l/--collector")
    given = [*args.queries, *args.paths]
    if args.jobs and (given or args.credentials or args.token or args.performanceplatform):
        raise UsageError("--jobs takes each job's files from the jobs file: give no PATH, "
                         "-q, -c, -t or -b with it")
    if not given and not args.jobs:
        raise UsageError("name the query files or folders to validate (PATH or -q FILE), or "
                         "--jobs JOBS_FILE")
    check_dates(args.start_at, args.end_at)
    if args.jobs:
        shared, reports = Shared(), validate_jobs(args)
    else:
        shared = load_shared(args.credentials, args.token, args.performanceplatform,
                             args.store)
        reports = validate_paths(given, shared, args.start_at, args.end_at)
    (print_json if args.json else print_text)(shared, reports)
    failed = shared.problems or any(report.problems for report in reports)
    return ExitCode.FAILED if failed else ExitCode.OK


def load_shared(credentials: str | None, token: str | None, performanceplatform: str | None,
                store: str | None) -> Shared:
    """The ``-c``/``-t``/``-b`` files and the store, each problem a line."""
    from performanceplatform.collector.arguments import read_json_config
    from performanceplatform.collector.config import validate_targets
    from performanceplatform.sinks.url import url_secrets
    from performanceplatform.utils.redact import register_secrets, secret_values

    shared = Shared()
    paths = {"credentials": credentials, "token": token,
             "performanceplatform": performanceplatform}
    for name, path in paths.items():
        if path:
            try:
                setattr(shared, name, read_json_config(path))
            except ConfigError as exc:
                shared.problems.append(str(exc))
    if shared.credentials:
        register_secrets(secret_values(shared.credentials))
    if shared.token:
        register_secrets([shared.token.get("token")])
    loaded = all(getattr(shared, name) is not None for name in ("token", "performanceplatform")
                 if paths[name])  # a file that did not load has had its problem listed
    if (store or shared.performanceplatform) and loaded:
        try:
            shared.store = validate_targets(shared.token, shared.performanceplatform, store)
            register_secrets(url_secrets(shared.store))
        except ConfigError as exc:
            shared.problems.append(str(exc))
    return shared


def validate_jobs(args: argparse.Namespace) -> list[Report]:
    """A report per job of the jobs file (``collector.crontab``'s parser), each query file
    with the job's own files, named as the generated crontab names them."""
    from performanceplatform.collector.crontab import read_job_lines

    try:
        jobs = read_job_lines(args.jobs)
    except ConfigError as exc:
        return [Report(args.jobs, problems=[str(exc)])]
    config = args.config_dir or os.path.dirname(args.jobs) or "."
    reports = []
    for job in jobs:
        shared = load_shared(f"{config}/{job.credentials}", f"{config}/{job.token}",
                             f"{config}/{job.performanceplatform}", args.store)
        if job.query is None:
            report = Report(job.collector, job=job.where,
                            unchecked="a -l job: its config is in Stagecraft, and reading it "
                                      "is a network call")
        else:
            report = validate_file(f"{config}/{job.query}", True, shared, args.start_at,
                                   args.end_at)
            report.job = job.where
        report.problems[:0] = shared.problems
        reports.append(report)
    return reports


def validate_paths(given: list[str], shared: Shared, start_at: Any,
                   end_at: Any) -> list[Report]:
    """A report per query file, folders expanded in name order (the ``-c``/``-t``/``-b``
    files left out); a folder without any query file is a problem (a mistyped folder)."""
    own = {_identity(config["path_to_json_file"])
           for config in (shared.credentials, shared.token, shared.performanceplatform)
           if config}
    reports = []
    for path in given:
        if not os.path.isdir(path):
            reports.append(validate_file(path, True, shared, start_at, end_at))
            continue
        found = [validate_file(str(name), False, shared, start_at, end_at)
                 for name in sorted(Path(path).rglob("*.json"))
                 if name.is_file() and _identity(str(name)) not in own]
        if all(report.skipped for report in found):
            found.append(Report(path, problems=[
                f"{path}: no query file in this folder (*.json with an entrypoint, data-set, "
                "query or options key)"]))
        reports += found
    return reports


def _identity(path: str) -> str:
    return os.path.realpath(path)


def validate_file(path: str, explicit: bool, shared: Shared, start_at: Any,
                  end_at: Any) -> Report:
    """Everything a run of ``path`` would check before its first request, and its plan."""
    from performanceplatform.collector.arguments import read_json_config
    from performanceplatform.collector.config import query_problems, validate_entrypoint

    report = Report(path)
    try:
        query = read_json_config(path)
    except ConfigError as exc:
        report.problems.append(str(exc))
        return report
    if not explicit and not QUERY_FILE_KEYS & set(query):
        report.skipped = True  # a credentials or token file in the folder
        return report
    report.problems += [f"{path}: {problem}" for problem in query_problems(query)]
    data_set = query.get("data-set")
    if not report.problems:
        report.data_set = f"{data_set['data-group']}/{data_set['data-type']}"
        report.store = _shown(shared.store)
    try:
        entrypoint = validate_entrypoint(query, path)
        collector = _resolve(entrypoint, query, path, report)
    except ConfigError as exc:
        report.problems.append(str(exc))
        return report
    if report.problems:
        return report
    _check_collector(report, collector, query, shared, start_at, end_at)
    return report


def _resolve(entrypoint: str, query: dict[str, Any], path: str, report: Report) -> Any:
    """The collector (None: a registered one, not run), its retired-API warning and its
    unknown keys (problems here: the run only warns)."""
    from performanceplatform.collector.config import unknown_keys
    from performanceplatform.collector.entrypoints import BUILTIN, resolve

    collector = resolve(entrypoint, path)
    report.collector = entrypoint
    if collector.retired:
        from performanceplatform.utils.retired import warn_retired

        with _warnings(report.warnings):  # the run's warning, as the run logs it
            warn_retired(f"collector '{entrypoint}'", collector.retired)
    report.problems += [f"{path}: unknown key '{key}': {message}" for key, message in
                        unknown_keys(collector, query.get("query"), query.get("options"))]
    if entrypoint not in BUILTIN:
        report.notes.append("collector checks and plan: not run (a registered collector's "
                            "main may make requests; validate makes none)")
        return None
    return collector


def _check_collector(report: Report, collector: Any, query: dict[str, Any], shared: Shared,
                     start_at: Any, end_at: Any) -> None:
    """Run the collector's ``main`` planning only, offline: its checks, then its plan."""
    from performanceplatform.collector.entrypoints import missing_module
    from performanceplatform.pipeline.runner import planning
    from performanceplatform.pipeline.settings import run_settings
    from performanceplatform.transport.http import NetworkRefused, offline

    if collector is None:
        return
    path = report.path
    credentials = shared.credentials
    if credentials is None:  # empty, and named, so that its own problems can be told apart
        credentials = {"path_to_json_file": NO_CREDENTIALS}
        report.notes.append("credentials: not checked (give -c)")
    data_set = query["data-set"]
    config = {"url": None, "token": None, "dry_run": True, "data-group": data_set["data-group"],
              "data-type": data_set["data-type"]}
    refused = None
    with _warnings(report.warnings), offline(), planning() as planned, \
            run_settings(None, path):
        try:
            collector.main(credentials, config, query["query"], query["options"], start_at,
                           end_at)
        except NetworkRefused as exc:
            refused = exc
        except ConfigError as exc:
            if exc.where != NO_CREDENTIALS:
                report.problems += _located(exc, path)
        except ModuleNotFoundError as exc:
            report.problems.append(str(missing_module(collector.name, collector.name, exc,
                                                      path)))
        except Exception as exc:  # a collector that trips over a config it should refuse
            report.problems.append(f"{path}: {collector.name} failed on this config: "
                                   f"{type(exc).__name__}: {exc}")
    for found in planned:
        report.problems += [f"{group.where}: key '{key}': {message}"
                            for group in (found.checks.credentials, found.checks.query)
                            if group.where != NO_CREDENTIALS for key, message in group.found]
        if found.units is not None:
            report.plan = [unit.label for unit in found.units]
            report.unit = found.collector.unit_noun
    if report.plan is None and not report.problems:
        report.notes.append(_no_plan(refused, planned, shared))


def _no_plan(refused: Any, planned: list, shared: Shared) -> str:
    if refused is not None and planned:
        return f"plan: not shown: planning asks the source first ({refused}; not sent)"
    if refused is not None:
        return (f"plan: not shown: this collector plans as it fetches (its checks passed; "
                f"its first request, {refused}, was not sent)")
    if shared.credentials is None:
        return "plan: not shown: it needs the checked credentials (give -c)"
    return "plan: not shown"


def _located(exc: ConfigError, path: str) -> list[str]:
    """The error's problems, a line each (``key 'a': ...; key 'b': ...`` is two), led by the
    query file when the error names no file of its own."""
    from performanceplatform.utils.errors import is_command_line

    text = str(exc) if exc.where and not is_command_line(exc.where, None) else f"{path}: {exc}"
    first, *others = text.split("; key '")
    lead = first[:first.find("key '")] if "key '" in first else ""
    return [first, *(f"{lead}key '{other}" for other in others)]


def _shown(store: str | None) -> str | None:
    if store is None:
        return None
    from performanceplatform.sinks.url import StoreURLError, parse_store_url

    try:
        return parse_store_url(store).shown
    except StoreURLError:
        return None


@contextmanager
def _warnings(into: list[str]) -> Iterator[None]:
    """The WARNING lines logged inside (a collector's own, e.g. a retired API), into
    ``into``; nothing else is logged."""
    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            into.append(record.getMessage())

    root = logging.getLogger()
    handler, level = Keep(logging.WARNING), root.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
