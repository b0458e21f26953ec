"""Jobs for workers: from the crontab generator's jobs file to beat's schedule.

A job is one collector run, described by plain JSON (it travels through the broker)::

    {"slug": "govuk-monitoring",            # or "query": "/srv/app/config/q.json"
     "credentials": "/srv/app/config/pingdom.json",
     "token": "/srv/app/config/token.json",
     "performanceplatform": "/srv/app/config/performanceplatform.json",
     "start": "2024-01-01", "end": "2024-01-31", "dry_run": false}   # optional

The jobs file is the one ``pp-collector-crontab`` reads:
``schedule,collector_slug,credentials,token,performanceplatform`` per line, file names
relative to ``APP/config/``. Its schedule is five cron fields; for beat only, ``@every 30s``
(or ``5m``, ``1h``) runs a job at a fixed interval.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Any

from performanceplatform.collector.crontab import parse_job_line
from performanceplatform.utils.errors import ConfigError

_EVERY = re.compile(r"@every\s+(\d+)\s*([smh])$")
_UNITS = {"s": 1, "m": 60, "h": 3600}
_CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z]+$")


@dataclass(frozen=True)
class ScheduledJob:
    """One line of the jobs file: when to run, and the job to send."""

    schedule: str
    job: dict[str, Any]
    where: str  # file:line, for messages

    @property
    def name(self) -> str:
        return job_name(self.job)


def job_name(job: dict[str, Any]) -> str:
    """What identifies a collector across runs: its slug, or its query file's path."""
    if job.get("slug"):
        return f"slug:{job['slug']}"
    if job.get("query"):
        return f"query:{os.path.abspath(job['query'])}"
    raise ConfigError("a job needs a 'slug' or a 'query'", where="job")


def job_argv(job: dict[str, Any]) -> list[str]:
    """The ``pp-collector`` command line for ``job``: a worker runs exactly what cron would."""
    argv = ["-l", job["slug"]] if job.get("slug") else ["-q", job["query"]]
    argv += ["-c", job["credentials"], "-t", job["token"], "-b", job["performanceplatform"]]
    if job.get("start"):
        argv += ["-s", job["start"]]
    if job.get("end"):
        argv += ["-e", job["end"]]
    if job.get("dry_run"):
        argv.append("--dry-run")
    return argv


def check_schedule(schedule: str, where: str) -> None:
    """Five cron fields, or ``@every N[s|m|h]``; anything else names the line at fault."""
    if _EVERY.match(schedule.strip()):
        return
    fields = schedule.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(field) for field in fields):
        raise ConfigError(f"schedule {schedule!r} is not five cron fields "
                          "(minute hour day-of-month month day-of-week) nor '@every 30s'",
                          where=where)


def read_scheduled_jobs(path_to_jobs: str, path_to_app: str) -> list[ScheduledJob]:
    """Every job of the jobs file, with config paths under ``path_to_app/config``."""
    config_dir = os.path.join(path_to_app, "config")
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
            raise ConfigError(f"expected 5 comma-separated fields "
                              "(schedule,slug,credentials,token,performanceplatform), "
                              f"got {len(fields)}", where=where)
        schedule, slug, credentials, token, performanceplatform = fields
        check_schedule(schedule, where)
        job = {"slug": slug,
               "credentials": os.path.join(config_dir, credentials),
               "token": os.path.join(config_dir, token),
               "performanceplatform": os.path.join(config_dir, performanceplatform)}
        jobs.append(ScheduledJob(schedule.strip(), job, where))
    return jobs


def celery_schedule(schedule: str) -> Any:
    """The beat schedule object for a checked schedule string."""
    from celery.schedules import crontab

    every = _EVERY.match(schedule)
    if every:
        return dt.timedelta(seconds=int(every.group(1)) * _UNITS[every.group(2)])
    minute, hour, day_of_month, month_of_year, day_of_week = schedule.split()
    return crontab(minute=minute, hour=hour, day_of_month=day_of_month,
                   month_of_year=month_of_year, day_of_week=day_of_week)


def beat_schedule(jobs: list[ScheduledJob], task_name: str) -> dict[str, dict[str, Any]]:
    """Celery's ``beat_schedule`` for ``jobs``: one entry per job, named after the collector."""
    entries: dict[str, dict[str, Any]] = {}
    for scheduled in jobs:
        name = scheduled.name
        if name in entries:  # twice in the file: both run, the lock keeps them apart
            name = f"{name} ({scheduled.where})"
        entries[name] = {"task": task_name, "schedule": celery_schedule(scheduled.schedule),
                         "args": [scheduled.job]}
    return entries
