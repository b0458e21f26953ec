"""``pp-collector-worker`` and ``pp-collector-beat``: Celery's own commands, pre-configured.

    pp-collector-worker [CELERY WORKER OPTIONS]          e.g. --concurrency 4
    pp-collector-beat --app-dir /srv/app JOBS_FILE [--schedule-file PATH] [--check]

Every option after the known ones goes to Celery unchanged (``celery worker --help``).
"""

from __future__ import annotations

import argparse
import os
import sys

from performanceplatform.utils.errors import ConfigError

BEAT_USAGE = "pp-collector-beat --app-dir APP JOBS_FILE [--schedule-file PATH] [--check]"


def worker(argv: list[str] | None = None) -> int:
    """Start a Celery worker that runs collector tasks."""
    from performanceplatform.workers.app import app

    args = sys.argv[1:] if argv is None else argv
    app.worker_main(argv=["worker", "--loglevel", "INFO", *args])
    return 0


def _beat_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pp-collector-beat", usage=BEAT_USAGE,
        description="Send each job of the jobs file to the workers on its schedule.")
    parser.add_argument("jobs_file", help="the crontab generator's jobs file")
    parser.add_argument("--app-dir", required=True,
                        help="the app folder; config files are read from APP/config/")
    parser.add_argument("--schedule-file", default=None,
                        help="where beat keeps the last run of each job "
                             "(default: APP/celerybeat-schedule)")
    parser.add_argument("--check", action="store_true",
                        help="check the jobs file, print the schedule, and exit")
    return parser


def beat(argv: list[str] | None = None) -> int:
    """Run Celery beat with the jobs file's schedule."""
    parser = _beat_parser()
    args, celery_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    from performanceplatform.workers.jobs import beat_schedule, read_scheduled_jobs

    try:
        jobs = read_scheduled_jobs(args.jobs_file, args.app_dir)
        from performanceplatform.workers.app import TASK_NAME, app

        schedule = beat_schedule(jobs, TASK_NAME)
    except ConfigError as exc:
        print(f"pp-collector-beat: error: {exc}", file=sys.stderr)
        return 1
    if args.check:
        for name, entry in schedule.items():
            print(f"{name}\t{entry['schedule']}")
        return 0
    app.conf.beat_schedule = schedule
    schedule_file = args.schedule_file or os.path.join(args.app_dir, "celerybeat-schedule")
    app.start(["beat", "--loglevel", "INFO", "--schedule", schedule_file, *celery_args])
    return 0
