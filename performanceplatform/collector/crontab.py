"""Generate the crontab that runs this app's collectors.

Usage (as the deploy hook runs it)::

    crontab -l | python -m performanceplatform.collector.crontab APP JOBS_FILE APP_ID | crontab -

The current crontab comes in on stdin and the new one goes out on stdout. This app's previous
block (between ``# Begin performanceplatform.collector jobs for APP_ID`` and the matching
``# End`` line) is replaced by one line per job of JOBS_FILE; every other line is kept.

Jobs file: one job per line, ``schedule,collector_slug,credentials,token,performanceplatform``
(the schedule holds the five cron time fields). Lines starting with ``#`` and blank lines are
ignored. Fields are not stripped. On hosts named ``<name>-<n>`` the jobs are shared between two
hosts: host 1 runs the even-numbered jobs, host 2 the odd ones; other hosts run all of them.
``DISABLE_COLLECTORS=true`` in the environment is passed on to every job.

On any error (a malformed job line, a missing jobs file) the message goes to stderr, the exit
status is 1, and stdout carries the crontab that came in, so that ``| crontab -`` reinstalls it.

Decision: the original echoed the crontab with doubled newlines on that error path; this port
writes the original crontab back byte for byte, exactly as it was read.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Iterable

NUMBER_OF_HOSTS = 2

_COMMENT = re.compile(r"#.*")
_BLANK = re.compile(r"\s*$")

USAGE = "usage: python -m performanceplatform.collector.crontab PATH_TO_APP PATH_TO_JOBS APP_ID"

JOB_TEMPLATE = (
    "{schedule} {disable}{app}/venv/bin/pp-collector -l {slug} "
    "-c {app}/config/{credentials} -t {app}/config/{token} -b {app}/config/{performanceplatform} "
    ">> {app}/log/out.log 2>> {app}/log/error.log"
)


class ParseError(Exception):
    """A line of the jobs file does not have exactly five comma-separated fields."""


def begin_marker(unique_id: str) -> str:
    """The line that opens this app's block."""
    return f"# Begin performanceplatform.collector jobs for {unique_id}"


def end_marker(unique_id: str) -> str:
    """The line that closes this app's block."""
    return f"# End performanceplatform.collector jobs for {unique_id}"


def parse_job_line(line: str) -> tuple[str, ...] | None:
    """The fields of one jobs-file line, or None for a comment or a blank line.

    >>> parse_job_line("* * * *,myquery,mycredentials,mytoken,performanceplatform\\n")
    ('* * * *', 'myquery', 'mycredentials', 'mytoken', 'performanceplatform')
    >>> parse_job_line("      ") is None
    True
    >>> parse_job_line("# comment") is None
    True
    """
    if _COMMENT.match(line) or _BLANK.match(line):
        return None
    return tuple(line.strip().split(","))


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


def read_jobs(path_to_jobs: str) -> list[tuple[str, ...]]:
    """The parsed (non-ignored) lines of the jobs file, in order."""
    with open(path_to_jobs, encoding="utf-8") as jobs_file:
        parsed = (parse_job_line(line) for line in jobs_file)
        return [job for job in parsed if job is not None]


def format_job(job: tuple[str, ...], path_to_app: str) -> str:
    """The crontab line for one job; ParseError unless it has exactly five fields."""
    try:
        schedule, slug, credentials, token, performanceplatform = job
    except ValueError as error:
        raise ParseError(str(error)) from error
    disable = "DISABLE_COLLECTORS=true " if os.environ.get("DISABLE_COLLECTORS") == "true" else ""
    return JOB_TEMPLATE.format(
        schedule=schedule, disable=disable, app=path_to_app, slug=slug,
        credentials=credentials, token=token, performanceplatform=performanceplatform,
    )


def generate_crontab(
    current_crontab: Iterable[str], path_to_jobs: str, path_to_app: str, unique_id: str
) -> list[str]:
    """The new crontab's lines: the current ones without this app's block, then the new block."""
    crontab = remove_existing_crontab_for_app(
        (line.strip() for line in current_crontab), unique_id
    )
    host = host_number()
    jobs = [
        format_job(job, path_to_app)
        for number, job in enumerate(read_jobs(path_to_jobs), start=1)
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


def main(argv: list[str] | None = None) -> int:
    """Read the crontab on stdin, write the new one on stdout; the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    original = _read_stdin()
    if len(args) != 3:
        return _fail(USAGE + "\n", original)
    path_to_app, path_to_jobs, unique_id = args
    try:
        current = _lines(original.decode("utf-8", "surrogateescape"))
        crontab = generate_crontab(current, path_to_jobs, path_to_app, unique_id)
    except Exception as error:  # any failure must hand the old crontab back
        return _fail(str(error), original)
    sys.stdout.buffer.write(("\n".join(crontab) + "\n").encode("utf-8", "surrogateescape"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
