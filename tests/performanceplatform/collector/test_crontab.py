"""The crontab generator: spec core.md §1.13 and the examples of §5.3 and §5.6(1)."""

from __future__ import annotations

import doctest
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from performanceplatform.collector import crontab

REPO_ROOT = Path(__file__).resolve().parents[3]
BEGIN = "# Begin performanceplatform.collector jobs for {}"
END = "# End performanceplatform.collector jobs for {}"
JOB = "1 * * * *,collector-slug,creds.json,token.json,performanceplatform.json\n"
THREE_JOBS = (
    "1 * * * *,collector-slug,creds.json,token.json,performanceplatform.json\n"
    "2 * * * *,collector-slug,creds.json,token.json,performanceplatform.json\n"
    "3 * * * *,collector-slug,creds.json,token.json,performanceplatform.json\n"
)
NO_LOCK = crontab.Paths("/app/config", "/app/venv/bin/pp-collector", "/app/log", None)


@pytest.fixture(autouse=True)
def hostname(monkeypatch: pytest.MonkeyPatch):
    """Patch the hostname (``nonnumerichostname`` unless a test says otherwise)."""
    def set_hostname(name: str) -> None:
        monkeypatch.setattr(crontab.socket, "gethostname", lambda: name)

    monkeypatch.delenv("DISABLE_COLLECTORS", raising=False)
    set_hostname("nonnumerichostname")
    return set_hostname


@pytest.fixture
def jobs_file(tmp_path: Path):
    """Write a jobs file and return its path."""
    def write(text: str) -> str:
        path = tmp_path / "cronjobs"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def job_lines(lines: list[str]) -> list[str]:
    """The lines that are not comments."""
    return [line for line in lines if not line.startswith("#")]


def run_script(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """Run the generator as the deploy hook does: a separate Python process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.pop("DISABLE_COLLECTORS", None)
    return subprocess.run(
        [sys.executable, "-m", "performanceplatform.collector.crontab", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=60, check=False,
    )


# §5.3 1-3: removing this app's old block


def test_removes_only_the_block_of_this_app():
    lines = [BEGIN.format("my-app"), "foobar", END.format("my-app"),
             BEGIN.format("other-app"), "barfoo", END.format("other-app")]
    kept = crontab.remove_existing_crontab_for_app(lines, "my-app")
    assert "barfoo" in kept
    assert "foobar" not in kept


def test_an_end_before_the_begin_is_not_a_block():
    lines = [END.format("my-app"), "foobar", BEGIN.format("my-app"), "other"]
    kept = crontab.remove_existing_crontab_for_app(lines, "my-app")
    assert "foobar" in kept
    assert "other" not in kept


def test_an_end_marker_outside_a_block_is_kept():
    lines = [END.format("my-app"), "foobar", BEGIN.format("my-app"), "old job",
             END.format("my-app"), END.format("my-app"), "after"]
    kept = crontab.remove_existing_crontab_for_app(lines, "my-app")
    assert kept == [END.format("my-app"), "foobar", END.format("my-app"), "after"]


def test_a_stray_end_marker_survives_a_run_of_the_script(tmp_path):
    jobs = tmp_path / "jobs"
    jobs.write_text(JOB, encoding="utf-8")
    stdin = f"{END.format('my-app')}\nother\n"
    result = run_script("/app", str(jobs), "my-app", stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [END.format("my-app"), "other"]
    assert lines[2] == BEGIN.format("my-app") and lines[-1] == END.format("my-app")


def test_a_begin_without_end_removes_to_the_end():
    kept = crontab.remove_existing_crontab_for_app(["foobar", BEGIN.format("my-app"), "other"],
                                                   "my-app")
    assert kept == ["foobar"]


# §5.3 4-10: generate_crontab


def test_other_cronjobs_are_kept_with_an_empty_jobs_file(jobs_file):
    lines = crontab.generate_crontab(["other cronjob"], jobs_file(""), "/path/to/app", "some_id")
    assert "other cronjob" in lines


def test_a_job_becomes_a_pp_collector_line_between_markers(jobs_file):
    lines = crontab.generate_crontab([], jobs_file(JOB), "/path/to/my-app", "some_id")
    assert BEGIN.format("some_id") in lines
    assert END.format("some_id") in lines
    [job] = job_lines(lines)
    for part in ("1 * * * *", "-l collector-slug", "-c /path/to/my-app/config/creds.json",
                 "-t /path/to/my-app/config/token.json",
                 "-b /path/to/my-app/config/performanceplatform.json"):
        assert part in job


def test_the_job_line_runs_pp_collector(jobs_file):
    lines = crontab.generate_crontab([], jobs_file(JOB), "/path/to/my-app", "some_id")
    [job] = job_lines(lines)
    assert "pp-collector" in job


def test_the_whole_job_line(jobs_file):
    lines = crontab.generate_crontab([], jobs_file("*/5 * * * *,slug,c.json,t.json,pp.json\n"),
                                     "/app", "some_id")
    assert lines == [
        BEGIN.format("some_id"),
        "*/5 * * * * flock -n /app/log/pp-collector-slug.lock /app/venv/bin/pp-collector -l slug "
        "-c /app/config/c.json -t /app/config/t.json -b /app/config/pp.json "
        ">> /app/log/out.log 2>> /app/log/error.log",
        END.format("some_id"),
    ]


def test_without_the_lock_the_line_is_the_originals_byte_for_byte(jobs_file):
    lines = crontab.generate_crontab([], jobs_file("*/5 * * * *,slug,c.json,t.json,pp.json\n"),
                                     None, "some_id", NO_LOCK)
    assert lines[1] == (
        "*/5 * * * * /app/venv/bin/pp-collector -l slug -c /app/config/c.json "
        "-t /app/config/t.json -b /app/config/pp.json >> /app/log/out.log 2>> /app/log/error.log")


def test_disable_collectors_true_is_passed_to_each_job(jobs_file, monkeypatch):
    monkeypatch.setenv("DISABLE_COLLECTORS", "true")
    [job] = job_lines(crontab.generate_crontab([], jobs_file(JOB), "/app", "id"))
    assert job.startswith("1 * * * * DISABLE_COLLECTORS=true flock -n "
                          "/app/log/pp-collector-collector-slug.lock /app/venv/bin/pp-collector ")


def test_disable_collectors_is_compared_exactly(jobs_file, monkeypatch):
    monkeypatch.setenv("DISABLE_COLLECTORS", "True")
    [job] = job_lines(crontab.generate_crontab([], jobs_file(JOB), "/app", "id"))
    assert "DISABLE_COLLECTORS" not in job


def test_the_old_block_is_purged(jobs_file):
    current = [BEGIN.format("some_id"), "other job", END.format("some_id")]
    lines = crontab.generate_crontab(current, jobs_file(JOB), "/path/to/my-app", "some_id")
    assert not [line for line in lines if "other job" in line]


def test_the_old_block_is_purged_even_without_jobs(jobs_file):
    current = ["keep me", BEGIN.format("some_id"), "other job", END.format("some_id")]
    assert crontab.generate_crontab(current, jobs_file(""), "/app", "some_id") == ["keep me"]


def test_current_lines_are_stripped(jobs_file):
    lines = crontab.generate_crontab(["  other cronjob \n"], jobs_file(""), "/app", "id")
    assert lines == ["other cronjob"]


def test_a_line_without_five_fields_raises_parse_error(jobs_file):
    with pytest.raises(crontab.ParseError):
        crontab.generate_crontab([], jobs_file(r"afeg    ;efhv   2[\-r u1\-ry1r"), "/app", "id")


def test_too_many_fields_raise_parse_error(jobs_file):
    with pytest.raises(crontab.ParseError):
        crontab.generate_crontab([], jobs_file("a,b,c,d,e,f\n"), "/app", "id")


def test_fields_are_not_stripped(jobs_file):
    path = jobs_file("* * * * *, something, something, something, dark side")
    lines = crontab.generate_crontab([], path, "/path/to/my-app", "unique-id-of-my-app")
    assert lines[0] == BEGIN.format("unique-id-of-my-app")
    assert lines[-1] == END.format("unique-id-of-my-app")
    assert "-l  something" in lines[1]
    assert lines[1].endswith("-b /path/to/my-app/config/ dark side"
                             " >> /path/to/my-app/log/out.log 2>> /path/to/my-app/log/error.log")


def test_comments_and_blank_lines_are_ignored(jobs_file):
    path = jobs_file("# some comment\n          \n"
                     "1 * * * *,collector-slug,creds,token,performanceplatform\n")
    lines = crontab.generate_crontab([], path, "/app", "id")
    assert [line for line in lines if "pp-collector -l collector-slug" in line]


def test_an_indented_comment_is_a_malformed_job(jobs_file):
    with pytest.raises(crontab.ParseError):
        crontab.generate_crontab([], jobs_file("   # x\n"), "/app", "id")


# §5.3 11-12 and §1.13 step 4: host sharding


def test_host_1_runs_the_even_jobs(jobs_file, hostname):
    hostname("development-1")
    jobs = job_lines(crontab.generate_crontab([], jobs_file(THREE_JOBS), "/app", "id"))
    assert len(jobs) == 1
    assert jobs[0].startswith("2 * * * * ")


def test_host_2_runs_the_odd_jobs(jobs_file, hostname):
    hostname("development-2")
    jobs = job_lines(crontab.generate_crontab([], jobs_file(THREE_JOBS), "/app", "id"))
    assert len(jobs) == 2
    assert jobs[0].startswith("1 * * * * ")
    assert jobs[1].startswith("3 * * * * ")


@pytest.mark.parametrize("name", ["nonnumerichostname", "host-2.example", "12", "host-x"])
def test_hosts_without_a_number_run_every_job(jobs_file, hostname, name):
    hostname(name)
    assert len(job_lines(crontab.generate_crontab([], jobs_file(THREE_JOBS), "/app", "id"))) == 3


def test_jobs_are_counted_after_comments_are_dropped(jobs_file, hostname):
    hostname("web-1")
    path = jobs_file("# header\n" + THREE_JOBS)
    [job] = job_lines(crontab.generate_crontab([], path, "/app", "id"))
    assert job.startswith("2 * * * * ")


def test_a_malformed_job_is_refused_on_every_host(jobs_file, hostname):
    # the original unpacked only the jobs its host ran; every line is checked now
    hostname("web-1")
    path = jobs_file("not a job\n" + JOB)
    with pytest.raises(crontab.ParseError, match=f"{path}:1: expected 5 comma-separated"):
        crontab.generate_crontab([], path, "/app", "id")


def test_no_markers_when_this_host_runs_no_job(jobs_file, hostname):
    hostname("web-1")
    assert crontab.generate_crontab(["x"], jobs_file(JOB), "/app", "id") == ["x"]


# §5.6(1): the doctest of parse_job_line


def test_parse_job_line_doctest():
    failures, tried = doctest.testmod(crontab, verbose=False)
    assert tried >= 3
    assert failures == 0


def test_parse_job_line_keeps_fields_unstripped():
    assert crontab.parse_job_line("a, b,c ,d,e\n") == ("a", " b", "c ", "d", "e")


# §5.3 13-15: the script, run as a separate process


def test_script_with_an_empty_jobs_file_keeps_the_crontab(tmp_path):
    jobs = tmp_path / "jobs"
    jobs.write_text("")
    result = run_script("/path/to/app", str(jobs), "some_id", stdin="current crontab")
    assert result.returncode == 0
    assert result.stdout.strip() == "current crontab"


def test_script_writes_the_new_crontab(tmp_path):
    jobs = tmp_path / "jobs"
    jobs.write_text("*/5 * * * *,slug,c.json,t.json,pp.json\n")
    result = run_script("/app", str(jobs), "some_id", stdin="a\nb\n")
    assert result.returncode == 0
    lines = result.stdout.split("\n")
    assert lines[:3] == ["a", "b", BEGIN.format("some_id")]
    assert lines[-2:] == [END.format("some_id"), ""]


def test_script_with_an_invalid_path_fails():
    result = run_script("/path/to/app", "invalid path", "some_id", stdin="current crontab")
    assert result.returncode != 0


def test_script_with_an_invalid_path_hands_back_the_crontab():
    result = run_script("/path/to/app", "invalid path", "some_id", stdin="current crontab")
    assert "current crontab" in result.stdout + result.stderr


def test_script_error_path_writes_the_crontab_back_exactly(tmp_path):
    current = "# m h dom mon dow command\n*/5 * * * * echo hi\n\n  indented line\n"
    result = run_script("/app", "invalid path", "some_id", stdin=current)
    assert result.returncode == 1
    assert result.stdout == current
    assert "invalid path" in result.stderr


def test_script_parse_error_goes_to_stderr(tmp_path):
    jobs = tmp_path / "jobs"
    jobs.write_text("just one field\n")
    result = run_script("/app", str(jobs), "some_id", stdin="current crontab\n")
    assert result.returncode == 1
    assert result.stdout == "current crontab\n"
    assert result.stderr == (f"pp-collector-crontab: error: {jobs}:1: expected 5 comma-separated "
                             "fields (schedule,collector,credentials,token,performanceplatform), "
                             "got 1\n")


def test_script_with_wrong_arguments_hands_back_the_crontab():
    result = run_script("/app", stdin="current crontab\n")
    assert result.returncode == 1
    assert result.stdout == "current crontab\n"
    assert "usage:" in result.stderr


# Scheduling without Stagecraft: -q jobs, paths from options, checked schedules, flock


def test_a_query_job_runs_pp_collector_with_q(jobs_file):
    path = jobs_file("*/5 * * * *,query:queries/browsers.json,c.json,t.json,pp.json\n")
    [job] = job_lines(crontab.generate_crontab([], path, "/app", "id"))
    assert job == ("*/5 * * * * flock -n /app/log/pp-collector-query-queries_browsers.json.lock "
                   "/app/venv/bin/pp-collector -q /app/config/queries/browsers.json "
                   "-c /app/config/c.json -t /app/config/t.json -b /app/config/pp.json "
                   ">> /app/log/out.log 2>> /app/log/error.log")


def test_an_old_jobs_file_gives_the_same_lines_plus_the_lock(jobs_file):
    old = ("# collectors\n0 * * * *,govuk-monitoring,pingdom.json,token.json,pp.json\n\n"
           "30 2 * * 1-5,govuk-browsers,ga.json,govuk.json,pp.json\n")
    path = jobs_file(old)
    unlocked = job_lines(crontab.generate_crontab([], path, None, "id", NO_LOCK))
    assert unlocked[1] == ("30 2 * * 1-5 /app/venv/bin/pp-collector -l govuk-browsers "
                           "-c /app/config/ga.json -t /app/config/govuk.json "
                           "-b /app/config/pp.json >> /app/log/out.log 2>> /app/log/error.log")
    locked = job_lines(crontab.generate_crontab([], path, "/app", "id"))
    slugs = ["govuk-monitoring", "govuk-browsers"]
    assert [line.replace(f"flock -n /app/log/pp-collector-{slug}.lock ", "")
            for line, slug in zip(locked, slugs, strict=True)] == unlocked


@pytest.mark.parametrize("schedule", ["*/5 * * * *", "0 */2 1-15 jan-jun mon-fri",
                                      "0 0 * * 7", "5-10/2 0-23 * DEC SUN", "59 23 31 12 6"])
def test_valid_schedules(jobs_file, schedule):
    path = jobs_file(f"{schedule},slug,c,t,p\n")
    [job] = job_lines(crontab.generate_crontab([], path, "/app", "id"))
    assert job.startswith(schedule + " flock -n ")


@pytest.mark.parametrize("schedule, fragment", [
    ("* * * *", "is not five cron fields"),
    ("* * * * * *", "is not five cron fields"),
    ("60 * * * *", "minute '60' (expected 0-59)"),
    ("* 24 * * *", "hour '24'"),
    ("* * 0 * *", "day of month '0' (expected 1-31)"),
    ("* * * 13 *", "month '13' (expected 1-12 or jan-dec)"),
    ("* * * * 8", "day of week '8'"),
    ("* * * foo *", "month 'foo'"),
    ("*/0 * * * *", "minute step 0"),
    ("* * * * *;rm -rf /", "is not five cron fields"),
    ("* * * * mon;rm", "day of week 'mon;rm'"),
    ("@daily", "is not five cron fields"),
    ("@every 30s", "'@every' is for pp-collector-beat (Celery) only"),
])
def test_a_bad_schedule_is_an_error_naming_file_and_line(tmp_path, schedule, fragment):
    jobs = tmp_path / "jobs"
    jobs.write_text(f"# jobs\n{JOB}{schedule},slug,c.json,t.json,pp.json\n", encoding="utf-8")
    result = run_script("/app", str(jobs), "some_id", stdin="current crontab\n")
    assert result.returncode == 1
    assert result.stdout == "current crontab\n"
    assert result.stderr.startswith(f"pp-collector-crontab: error: {jobs}:3: schedule ")
    assert fragment in result.stderr and len(result.stderr.splitlines()) == 1


def test_paths_come_from_options(tmp_path):
    jobs = tmp_path / "jobs"
    jobs.write_text("0 * * * *,query:q.json,c.json,t.json,pp.json\n", encoding="utf-8")
    result = run_script("--config-dir", "/etc/pp", "--command", "pp-collector",
                        "--log-dir", "/var/log/pp", str(jobs), "my-app", stdin="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        "0 * * * * flock -n /var/log/pp/pp-collector-query-q.json.lock pp-collector "
        "-q /etc/pp/q.json -c /etc/pp/c.json -t /etc/pp/t.json -b /etc/pp/pp.json "
        ">> /var/log/pp/out.log 2>> /var/log/pp/error.log")


def test_a_comma_in_a_schedule_is_explained(jobs_file):
    path = jobs_file("0 1,13 * * *,slug,c,t,p\n")
    with pytest.raises(crontab.ParseError, match="got 6; a schedule cannot hold ','"):
        crontab.generate_crontab([], path, "/app", "id")


@pytest.mark.parametrize("args, expected", [
    (["--app-dir", "/srv/a"], "0 * * * * flock -n /srv/a/log/pp-collector-s.lock "
                              "/srv/a/venv/bin/pp-collector -l s -c /srv/a/config/c"),
    (["--app-dir", "/srv/a", "--venv", "/opt/venv", "--no-lock"],
     "0 * * * * /opt/venv/bin/pp-collector -l s -c /srv/a/config/c"),
    (["--app-dir", "/srv/a", "--lock-dir", "/run/lock"],
     "0 * * * * flock -n /run/lock/pp-collector-s.lock /srv/a/venv/bin/pp-collector -l s"),
])
def test_app_dir_and_single_options(tmp_path, args, expected):
    jobs = tmp_path / "jobs"
    jobs.write_text("0 * * * *,s,c,t,p\n", encoding="utf-8")
    result = run_script(*args, str(jobs), "my-app", stdin="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith(expected)


@pytest.mark.parametrize("args, fragment", [
    (["JOBS", "my-app"], "without PATH_TO_APP or --app-dir, give --config-dir, --venv or "
                         "--command, --log-dir"),
    (["/app", "JOBS", "my-app", "--app-dir", "/app"], "give the app folder once"),
    (["--app-dir", "/app", "--venv", "/v", "--command", "c", "JOBS", "id"], "not allowed with"),
    (["--app-dir", "/app", "--lock-dir", "/l", "--no-lock", "JOBS", "id"], "not allowed with"),
    (["--app-dir", "/app", "--bogus", "JOBS", "id"], "unrecognized arguments: --bogus"),
])
def test_a_bad_command_line_hands_back_the_crontab(tmp_path, args, fragment):
    jobs = tmp_path / "jobs"
    jobs.write_text(JOB, encoding="utf-8")
    args = [str(jobs) if arg == "JOBS" else arg for arg in args]
    result = run_script(*args, stdin="current crontab\n")
    assert (result.returncode, result.stdout) == (1, "current crontab\n")
    assert fragment in result.stderr and "usage:" in result.stderr


@pytest.mark.skipif(not shutil.which("flock"), reason="flock (util-linux) is not installed")
def test_the_generated_line_never_lets_a_collector_overlap_itself(tmp_path):
    """Run the generated command twice at once: the second run skips, the first finishes."""
    fake = tmp_path / "pp-collector"
    fake.write_text('#!/bin/sh\necho "start $$" >> "$RUNS"\nsleep 2\necho "end $$" >> "$RUNS"\n')
    fake.chmod(0o755)
    (tmp_path / "log").mkdir()
    jobs = tmp_path / "jobs"
    jobs.write_text("* * * * *,slug,c,t,p\n", encoding="utf-8")
    line = job_lines(crontab.generate_crontab([], str(jobs), None, "id", crontab.Paths(
        str(tmp_path), str(fake), str(tmp_path / "log"), str(tmp_path / "log"))))[0]
    command = line.split(" ", 5)[5]  # what cron runs: the line after its five time fields
    env = {**os.environ, "RUNS": str(tmp_path / "runs")}
    first = subprocess.Popen(["sh", "-c", command], env=env)
    for _ in range(100):  # until the first run holds the lock
        if (tmp_path / "runs").exists():
            break
        time.sleep(0.05)
    second = subprocess.run(["sh", "-c", command], env=env, timeout=30, check=False)
    assert first.wait(timeout=30) == 0
    assert second.returncode == 1  # flock -n: busy, not run
    runs = (tmp_path / "runs").read_text().split()
    assert runs[::2] == ["start", "end"] and len(runs) == 4  # one run, started and ended
    assert (tmp_path / "log" / "pp-collector-slug.lock").exists()
