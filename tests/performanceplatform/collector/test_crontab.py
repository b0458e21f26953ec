"""The crontab generator: spec core.md §1.13 and the examples of §5.3 and §5.6(1)."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
from pathlib import Path

import pytest

from performanceplatform.collector import crontab

REPO_ROOT = Path(__file__).resolve().parents[3]
BEGIN = "# Begin performanceplatform.collector jobs for {}"
END = "# End performanceplatform.collector jobs for {}"
JOB = "schedule,collector-slug,creds.json,token.json,performanceplatform.json\n"
THREE_JOBS = (
    "schedule,collector-slug,creds.json,token.json,performanceplatform.json\n"
    "schedule2,collector-slug,creds.json,token.json,performanceplatform.json\n"
    "schedule3,collector-slug,creds.json,token.json,performanceplatform.json\n"
)


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
    for part in ("schedule", "-l collector-slug", "-c /path/to/my-app/config/creds.json",
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
        "*/5 * * * * /app/venv/bin/pp-collector -l slug -c /app/config/c.json "
        "-t /app/config/t.json -b /app/config/pp.json >> /app/log/out.log 2>> /app/log/error.log",
        END.format("some_id"),
    ]


def test_disable_collectors_true_is_passed_to_each_job(jobs_file, monkeypatch):
    monkeypatch.setenv("DISABLE_COLLECTORS", "true")
    [job] = job_lines(crontab.generate_crontab([], jobs_file(JOB), "/app", "id"))
    assert job.startswith("schedule DISABLE_COLLECTORS=true /app/venv/bin/pp-collector ")


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
    path = jobs_file("something, something, something, something, dark side")
    lines = crontab.generate_crontab([], path, "/path/to/my-app", "unique-id-of-my-app")
    assert lines[0] == BEGIN.format("unique-id-of-my-app")
    assert lines[-1] == END.format("unique-id-of-my-app")
    assert "-l  something" in lines[1]
    assert lines[1].endswith("-b /path/to/my-app/config/ dark side"
                             " >> /path/to/my-app/log/out.log 2>> /path/to/my-app/log/error.log")


def test_comments_and_blank_lines_are_ignored(jobs_file):
    path = jobs_file("# some comment\n          \n"
                     "schedule,collector-slug,creds,token,performanceplatform\n")
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
    assert "schedule2 " in jobs[0]


def test_host_2_runs_the_odd_jobs(jobs_file, hostname):
    hostname("development-2")
    jobs = job_lines(crontab.generate_crontab([], jobs_file(THREE_JOBS), "/app", "id"))
    assert len(jobs) == 2
    assert "schedule " in jobs[0]
    assert "schedule3 " in jobs[1]


@pytest.mark.parametrize("name", ["nonnumerichostname", "host-2.example", "12", "host-x"])
def test_hosts_without_a_number_run_every_job(jobs_file, hostname, name):
    hostname(name)
    assert len(job_lines(crontab.generate_crontab([], jobs_file(THREE_JOBS), "/app", "id"))) == 3


def test_jobs_are_counted_after_comments_are_dropped(jobs_file, hostname):
    hostname("web-1")
    path = jobs_file("# header\n" + THREE_JOBS)
    [job] = job_lines(crontab.generate_crontab([], path, "/app", "id"))
    assert job.startswith("schedule2 ")


def test_a_malformed_job_skipped_on_this_host_does_not_raise(jobs_file, hostname):
    hostname("web-1")
    path = jobs_file("not a job\n" + JOB)
    [job] = job_lines(crontab.generate_crontab([], path, "/app", "id"))
    assert job.startswith("schedule ")


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
    assert "not enough values to unpack" in result.stderr


def test_script_with_wrong_arguments_hands_back_the_crontab():
    result = run_script("/app", stdin="current crontab\n")
    assert result.returncode == 1
    assert result.stdout == "current crontab\n"
    assert "usage:" in result.stderr
