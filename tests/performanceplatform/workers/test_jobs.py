"""Jobs files → jobs and beat schedules; the worker settings; ``pp-collector-beat --check``."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from performanceplatform.utils.errors import ConfigError
from performanceplatform.workers.jobs import (
    beat_schedule,
    check_schedule,
    job_argv,
    job_name,
    read_scheduled_jobs,
)
from performanceplatform.workers.settings import WorkerSettings
from tests.helpers import REPO

pytest.importorskip("celery")


def write(tmp_path, text):
    path = tmp_path / "jobs"
    path.write_text(text)
    return str(path)


def test_jobs_file_lines_become_jobs_with_config_paths(tmp_path):
    path = write(tmp_path, "# comment\n\n*/5 * * * *,govuk,pingdom.json,token.json,pp.json\n"
                           "@every 30s,realtime,matomo.json,token.json,/etc/pp.json\n")
    first, second = read_scheduled_jobs(path, "/srv/app")
    assert first.schedule == "*/5 * * * *"
    assert first.job == {"slug": "govuk", "credentials": "/srv/app/config/pingdom.json",
                         "token": "/srv/app/config/token.json",
                         "performanceplatform": "/srv/app/config/pp.json"}
    assert first.where == f"{path}:3"
    assert second.job["performanceplatform"] == "/etc/pp.json"  # absolute stays absolute


@pytest.mark.parametrize("line, fragment", [
    ("* * * *,slug,c,t,p", "not five cron fields"),
    ("* * * * * *,slug,c,t,p", "not five cron fields"),
    ("@every 10x,slug,c,t,p", "not five cron fields"),
    ("* * * * *,slug,c,t", "expected 5 comma-separated fields"),
    ("* * * * *;rm -rf /,slug,c,t,p", "not five cron fields"),
])
def test_a_bad_line_names_the_file_and_line(tmp_path, line, fragment):
    path = write(tmp_path, "# first\n" + line + "\n")
    with pytest.raises(ConfigError, match=fragment) as error:
        read_scheduled_jobs(path, "/srv/app")
    assert f"{path}:2" in str(error.value)


def test_a_missing_jobs_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="nowhere"):
        read_scheduled_jobs(str(tmp_path / "nowhere"), "/srv/app")


def test_beat_schedule_has_cron_and_interval_entries(tmp_path):
    from celery.schedules import crontab

    path = write(tmp_path, "15 3 * * 1-5,a,c,t,p\n@every 2m,b,c,t,p\n@every 1h,a,c,t,p\n")
    schedule = beat_schedule(read_scheduled_jobs(path, "/app"), "task")
    assert list(schedule) == ["slug:a", "slug:b", f"slug:a ({path}:3)"]
    cron = schedule["slug:a"]["schedule"]
    assert isinstance(cron, crontab)
    assert cron.minute == {15} and cron.hour == {3} and cron.day_of_week == {1, 2, 3, 4, 5}
    assert schedule["slug:b"]["schedule"] == dt.timedelta(minutes=2)
    assert schedule[f"slug:a ({path}:3)"]["schedule"] == dt.timedelta(hours=1)
    assert schedule["slug:b"]["args"][0]["slug"] == "b"


def test_check_schedule_accepts_cron_names_and_steps():
    check_schedule("0 */2 1,15 jan-jun mon", "x")
    with pytest.raises(ConfigError):
        check_schedule("every day", "x")


def test_job_argv_is_the_cron_command_line():
    job = {"slug": "s", "credentials": "c", "token": "t", "performanceplatform": "p"}
    assert job_argv(job) == ["-l", "s", "-c", "c", "-t", "t", "-b", "p"]
    assert job_argv({**job, "start": "2024-01-01", "end": "2024-01-02", "dry_run": True})[-5:] \
        == ["-s", "2024-01-01", "-e", "2024-01-02", "--dry-run"]
    query = {"query": "q.json", "credentials": "c", "token": "t", "performanceplatform": "p"}
    assert job_argv(query)[:2] == ["-q", "q.json"]
    assert job_name(query).startswith("query:/") and job_name(job) == "slug:s"


def test_settings_from_the_environment(monkeypatch):
    for name in ("BROKER_URL", "RESULT_BACKEND", "LOCK_URL", "TASK_TIME_LIMIT",
                 "VISIBILITY_TIMEOUT", "TASK_RETRIES", "LOCK_TTL"):
        monkeypatch.delenv(f"PP_COLLECTOR_{name}", raising=False)
    default = WorkerSettings.from_env()
    assert default.broker_url == default.result_backend == default.lock_url \
        == "redis://127.0.0.1:6379/0"
    assert (default.time_limit, default.visibility_timeout, default.retries) == (3600, 3900, 3)
    monkeypatch.setenv("PP_COLLECTOR_BROKER_URL", "amqp://guest@rabbit//")
    monkeypatch.setenv("PP_COLLECTOR_TASK_RETRIES", "0")
    rabbit = WorkerSettings.from_env()
    assert rabbit.result_backend is None and rabbit.lock_url is None and rabbit.retries == 0
    monkeypatch.setenv("PP_COLLECTOR_TASK_TIME_LIMIT", "soon")
    with pytest.raises(ValueError, match="PP_COLLECTOR_TASK_TIME_LIMIT"):
        WorkerSettings.from_env()


def test_beat_check_prints_the_schedule_and_refuses_a_bad_file(tmp_path):
    good = write(tmp_path, "*/5 * * * *,govuk,c.json,t.json,p.json\n")
    done = subprocess.run([sys.executable, "-m", "performanceplatform.workers", "beat",
                           "--app-dir", str(tmp_path), good, "--check"],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("slug:govuk\t")
    (tmp_path / "bad").write_text("* * *,govuk,c.json,t.json,p.json\n")
    done = subprocess.run([sys.executable, "-m", "performanceplatform.workers", "beat",
                           "--app-dir", str(tmp_path), str(tmp_path / "bad"), "--check"],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"pp-collector-beat: error: {tmp_path / 'bad'}:1: schedule '* * *' is not five cron "
        "fields (minute hour day-of-month month day-of-week) nor '@every 30s'"]
