"""Generate the crontab that runs this app's collectors; parse and check the jobs file.

Usage (as the deploy hook runs it; the original's positional form)::

    crontab -l | python -m performanceplatform.collector.crontab APP JOBS_FILE APP_ID | crontab -

or with the paths given as options (any of them; the rest default from ``APP``)::

    pp-collector-crontab [--app-dir APP] [--config-dir DIR] [--venv DIR | --command CMD]
                         [--log-dir DIR] [--lock-dir DIR | --no-lock] JOBS_FILE APP_ID

The current crontab comes in on stdin and the new one goes out on stdout. This app's previous
block (between ``# Begin performanceplatform.collector jobs for APP_ID`` and the matching
``# End`` line) is replaced by one line per job of JOBS_FILE; every other line is kept.

Jobs file: one job per line, ``schedule,collector,credentials,token,performanceplatform``.
``schedule`` is five cron time fields (checked: ranges, steps, lists and month/day names);
``collector`` is a Stagecraft slug (``-l``) or ``query:PATH`` (``-q``, the query file; new).
File names are relative to the config folder (``APP/config``), written after it as they are.
Lines starting with ``#`` and blank lines are ignored; fields are not stripped. A line that
is not a job is an error naming ``file:line``. This module is the one parser of the jobs
file: Celery beat (``workers/jobs.py``) reads it through ``read_job_lines`` too, and only
beat accepts the ``@every 30s`` schedule extension.

On hosts named ``<name>-<n>`` the jobs are shared between two hosts: host 1 runs the
even-numbered jobs, host 2 the odd ones; other hosts run all of them.
``DISABLE_COLLECTORS=true`` in the environment is passed on to every job. Each job runs under
``flock -n LOCK_DIR/pp-collector-<collector>.lock`` (the lock folder defaults to the log
folder), so a run still going when the next is due makes the next one skip instead of
overlapping; ``--no-lock`` writes the original's line exactly.

On any error (a malformed job line, a missing jobs file, a bad option) the message goes to
stderr, the exit status is 1, and stdout carries the crontab that came in, so that
``| crontab -`` reinstalls it.

Decisions: the original echoed the crontab with doubled newlines on that error path; this
port writes the original crontab back byte for byte, exactly as it was read. The original
checked only the jobs this host runs, and not their schedules (a four-field schedule made a
line that ``crontab`` refused); every line is checked now, on every host.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NoReturn

from performanceplatform.utils.errors import ConfigError

NUMBER_OF_HOSTS = 2

_COMMENT = re.compile(r"#.*")
_BLANK = re.compile(r"\s*$")

USAGE = ("usage: python -m performanceplatform.collector.crontab PATH_TO_APP PATH_TO_JOBS APP_ID\n"
         "       pp-collector-crontab [--app-dir APP] [--config-dir DIR] [--venv DIR | --command "
         "CMD] [--log-dir DIR] [--lock-dir DIR | --no-lock] PATH_TO_JOBS APP_ID")
FIELDS = "schedule,collector,credentials,token,performanceplatform"
QUERY_PREFIX = "query:"
EVERY = re.compile(r"@every\s+(\d+)\s*([smh])$")

# the five cron fields: (name, lowest, highest, names allowed in place of numbers)
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_DAYS = "sun mon tue wed thu fri sat".split()
_CronField = tuple[str, int, int, Sequence[str]]
_CRON_FIELDS: tuple[_CronField, ...] = (
    ("minute", 0, 59, ()), ("hour", 0, 23, ()), ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS), ("day of week", 0, 7, _DAYS))
_CRON_ITEM = re.compile(r"^(\*|(\w+)(-(\w+))?)(/(\d+))?$")


class ParseError(ConfigError):
    """A line of the jobs file is not a job (five fields, a valid schedule): names file:line."""


@dataclass(frozen=True)
class JobLine:
    """One job of the jobs file, its fields as written."""

    schedule: str
    collector: str  # a Stagecraft slug, or ``query:PATH``
    credentials: str
    token: str
    performanceplatform: str
    where: str  # file:line

    @property
    def query(self) -> str | None:
        """The query file of a ``query:PATH`` job, None for a slug."""
        if self.collector.startswith(QUERY_PREFIX):
            return self.collector[len(QUERY_PREFIX):]
        return None


@dataclass(frozen=True)
class Paths:
    """Where the generated lines find things."""

    config_dir: str
    command: str  # the pp-collector command
    log_dir: str
    lock_dir: str | None  # None: no flock

    @classmethod
    def for_app(cls, app: str) -> Paths:
        """The original's layout: APP/config, APP/venv/bin/pp-collector, APP/log."""
        return cls(f"{app}/config", f"{app}/venv/bin/pp-collector", f"{app}/log", f"{app}/log")


def begin_marker(unique_id: str) -> str:
    """The line that opens this app's block."""
    return f"# Begin performanceplatform.collector jobs for {unique_id}"


def end_marker(unique_id: str) -> str:
    """The line that closes this app's block."""
    return f"# End performanceplatform.collector jobs for {unique_id}"


def parse_job_line(line: str) -> tuple[str, ...] | None:
    """The fields of one jobs-file line, or None for a comment or a blank line.

    >>> parse_job_line("* * * * *,myquery,mycredentials,mytoken,performanceplatform\\n")
    ('* * * * *', 'myquery', 'mycredentials', 'mytoken', 'performanceplatform')
    >>> parse_job_line("      ") is None
    True
    >>> parse_job_line("# comment") is None
    True
    """
    if _COMMENT.match(line) or _BLANK.match(line):
        return None
    return tuple(line.strip().split(","))


def check_schedule(schedule: str, where: str, every: bool = False) -> None:
    """Five valid cron fields (or, with ``every``, ``@every N[s|m|h]`` for beat); anything
    else is a ``ParseError`` naming ``where``."""
    if EVERY.match(schedule.strip()):
        if every:
            return
        raise ParseError(f"schedule {schedule!r}: '@every' is for pp-collector-beat (Celery) "
                         "only; cron needs five fields (minute hour day-of-month month "
                         "day-of-week)", where=where)
    fields = schedule.split()
    problem = None if len(fields) != 5 else next(
        filter(None, map(_field_problem, fields, _CRON_FIELDS)), None)
    if len(fields) != 5 or problem:
        raise ParseError(f"schedule {schedule!r} is not five cron fields (minute hour "
                         "day-of-month month day-of-week)" + (" nor '@every 30s'" if every else "")
                         + (f": {problem}" if problem else ""), where=where)


def _field_problem(text: str, field: _CronField) -> str | None:
    """What is wrong with one cron field, or None."""
    name, low, high, names = field
    for item in text.split(","):
        match = _CRON_ITEM.match(item)
        if not match:
            return f"{name} {text!r}"
        for value in (match.group(2), match.group(4)):
            if value is None:
                continue
            number = list(names).index(value.lower()) + low if value.lower() in names else (
                int(value) if value.isdigit() else None)
            if number is None or not low <= number <= high:
                return f"{name} {value!r} (expected {low}-{high}" + (
                    f" or {names[0]}-{names[-1]})" if names else ")")
        if match.group(6) is not None and int(match.group(6)) == 0:
            return f"{name} step 0"
    return None


def read_job_lines(path_to_jobs: str, every: bool = False) -> list[JobLine]:
    """Every job of the jobs file, checked, in order; a ``ParseError`` naming ``file:line``
    for the first line that is not a job (``every``: accept beat's ``@every``)."""
    try:
        with open(path_to_jobs, encoding="utf-8") as jobs_file:
            lines = list(jobs_file)
    except OSError as exc:
        raise ConfigError(f"cannot read jobs file: {exc.strerror or exc}", where=path_to_jobs)
    jobs = []
    for number, line in enumerate(lines, start=1):
        fields = parse_job_line(line)
        if fields is None:
            continue
        where = f"{path_to_jobs}:{number}"
        if len(fields) != 5:
            hint = ("; a schedule cannot hold ',' (it separates the fields): write one line "
                    "per value, or a range" if len(fields) > 5 else "")
            raise ParseError(f"expected 5 comma-separated fields ({FIELDS}), got "
                             f"{len(fields)}{hint}", where=where)
        check_schedule(fields[0], where, every)
        job = JobLine(*fields, where=where)
        if job.query is not None and not job.query.strip():
            raise ParseError(f"'{QUERY_PREFIX}' names no query file", where=where)
        jobs.append(job)
    return jobs


def remove_existing_crontab_for_app(crontab: Iterable[str], unique_id: str) -> list[str]:
    """The lines of ``crontab`` without this app's Begin..End block (markers included).

    A Begin without an End drops everything after it; an End seen outside a block is kept.
    """
    begin, end = begin_marker(unique_id), end_marker(unique_id)
    kept: list[str] = []
    in_block = False
    for line in crontab:
        if line == begin:
            in_block = True
        elif in_block and line == end:
            in_block = False
        elif not in_block:
            kept.append(line)
    return kept


def host_number() -> int | None:
    """The number after the last ``-`` of the hostname, or None when there is none."""
    hostname = socket.gethostname()
    if "-" not in hostname:
        return None
    try:
        return int(hostname.split("-")[-1])
    except ValueError:
        return None


def runs_here(job_number: int, host: int | None) -> bool:
    """Whether the ``job_number``-th job (from 1) runs on host number ``host``."""
    if host is None:
        return True
    return (job_number + host - 1) % NUMBER_OF_HOSTS == 0


def lock_file(job: JobLine) -> str:
    """The lock file name of a job: one per collector (slug, or query file as written)."""
    name = f"query-{job.query}" if job.query is not None else job.collector
    return "pp-collector-" + re.sub(r"[^A-Za-z0-9._-]", "_", name.strip()) + ".lock"


def format_job(job: JobLine, paths: Paths) -> str:
    """The crontab line for one job."""
    disable = "DISABLE_COLLECTORS=true " if os.environ.get("DISABLE_COLLECTORS") == "true" else ""
    lock = f"flock -n {paths.lock_dir}/{lock_file(job)} " if paths.lock_dir else ""
    config = paths.config_dir
    target = f"-q {config}/{job.query}" if job.query is not None else f"-l {job.collector}"
    return (f"{job.schedule} {disable}{lock}{paths.command} {target} "
            f"-c {config}/{job.credentials} -t {config}/{job.token} "
            f"-b {config}/{job.performanceplatform} "
            f">> {paths.log_dir}/out.log 2>> {paths.log_dir}/error.log")


def generate_crontab(
    current_crontab: Iterable[str], path_to_jobs: str, path_to_app: str | None, unique_id: str,
    paths: Paths | None = None,
) -> list[str]:
    """The new crontab's lines: the current ones without this app's block, then the new block.

    ``paths`` defaults to the original's layout under ``path_to_app``."""
    if paths is None:
        if path_to_app is None:
            raise ConfigError("no app folder and no paths given", where="command line")
        paths = Paths.for_app(path_to_app)
    crontab = remove_existing_crontab_for_app(
        (line.strip() for line in current_crontab), unique_id
    )
    host = host_number()
    jobs = [
        format_job(job, paths)
        for number, job in enumerate(read_job_lines(path_to_jobs), start=1)
        if runs_here(number, host)
    ]
    if jobs:
        crontab += [begin_marker(unique_id), *jobs, end_marker(unique_id)]
    return crontab


def _lines(text: str) -> list[str]:
    """``text`` cut at each newline, as ``readlines`` would."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _read_stdin() -> bytes:
    """Everything on stdin (nothing when it is a terminal)."""
    if sys.stdin is None or sys.stdin.isatty():
        return b""
    return sys.stdin.buffer.read()


def _fail(message: str, original: bytes) -> int:
    """Report ``message`` and hand back the original crontab unchanged."""
    sys.stderr.write(message)
    sys.stderr.flush()
    sys.stdout.buffer.write(original)
    sys.stdout.flush()
    return 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Raise instead of exiting: a bad command line must hand the crontab back too."""
        raise ConfigError(f"{message}\n{USAGE}", where="command line")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pp-collector-crontab", add_help=False)
    parser.add_argument("positional", nargs="*")
    parser.add_argument("--app-dir")
    parser.add_argument("--config-dir")
    command = parser.add_mutually_exclusive_group()
    command.add_argument("--venv")
    command.add_argument("--command")
    parser.add_argument("--log-dir")
    lock = parser.add_mutually_exclusive_group()
    lock.add_argument("--lock-dir")
    lock.add_argument("--no-lock", action="store_true")
    return parser


def parse_arguments(argv: list[str]) -> tuple[str, str, Paths]:
    """``(jobs file, app id, paths)`` from the command line (either form)."""
    args = _parser().parse_args(argv)
    if len(args.positional) == 3:
        if args.app_dir:
            raise ConfigError(f"give the app folder once: PATH_TO_APP or --app-dir\n{USAGE}",
                              where="command line")
        args.app_dir = args.positional.pop(0)
    if len(args.positional) != 2:
        raise ConfigError(USAGE, where="command line")
    jobs, unique_id = args.positional
    app = args.app_dir
    missing = [flag for flag, value in (("--config-dir", args.config_dir),
                                        ("--venv or --command", args.venv or args.command),
                                        ("--log-dir", args.log_dir)) if not value]
    if app is None and missing:
        raise ConfigError(f"without PATH_TO_APP or --app-dir, give {', '.join(missing)}\n"
                          f"{USAGE}", where="command line")
    default = Paths.for_app(app or "")
    log_dir = args.log_dir or default.log_dir
    command = (f"{args.venv}/bin/pp-collector" if args.venv else args.command
               ) or default.command
    lock_dir = None if args.no_lock else (args.lock_dir or log_dir)
    return jobs, unique_id, Paths(args.config_dir or default.config_dir, command, log_dir,
                                  lock_dir)


def main(argv: list[str] | None = None) -> int:
    """Read the crontab on stdin, write the new one on stdout; the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    original = _read_stdin()
    try:
        path_to_jobs, unique_id, paths = parse_arguments(args)
        current = _lines(original.decode("utf-8", "surrogateescape"))
        crontab = generate_crontab(current, path_to_jobs, None, unique_id, paths)
    except Exception as error:  # any failure must hand the old crontab back
        return _fail(f"pp-collector-crontab: error: {error}\n", original)
    sys.stdout.buffer.write(("\n".join(crontab) + "\n").encode("utf-8", "surrogateescape"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
