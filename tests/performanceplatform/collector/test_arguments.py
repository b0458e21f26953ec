"""The command line (spec core.md §1.2–1.3 and §5.1)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from performanceplatform.collector.arguments import parse_args
from performanceplatform.utils.errors import ConfigError


@pytest.fixture
def cfg(tmp_path):
    path = tmp_path / "cfg.json"
    path.write_text("{}")
    return str(path)


def test_slug_mode(cfg):
    args = parse_args(["-c", cfg, "-l", "test-collector-slug", "-t", cfg, "-b", cfg])
    assert args.collector_slug == "test-collector-slug"
    assert args.query is None


def test_query_mode_adds_the_path_of_each_file(cfg):
    args = parse_args(["-c", cfg, "-q", cfg, "-t", cfg, "-b", cfg])
    for loaded in (args.credentials, args.query, args.token, args.performanceplatform):
        assert loaded == {"path_to_json_file": cfg}
    assert args.start_at is None and args.end_at is None
    assert not args.console_logging and not args.dry_run


def test_slug_and_query_are_exclusive(cfg, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(["-c", cfg, "-l", "slug", "-q", cfg, "-t", cfg, "-b", cfg])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_one_of_slug_or_query_is_required(cfg, capsys):
    with pytest.raises(SystemExit):
        parse_args(["-c", cfg, "-t", cfg, "-b", cfg])
    assert "one of the arguments -l/--collector -q/--query is required" in capsys.readouterr().err


def test_credentials_are_required(cfg, capsys):
    with pytest.raises(SystemExit):
        parse_args(["-l", "slug", "-t", cfg, "-b", cfg])
    assert "-c/--credentials" in capsys.readouterr().err


def test_dates_parse_like_dateutil(cfg):
    args = parse_args(["-c", cfg, "-q", cfg, "-t", cfg, "-b", cfg, "-s", "2013-10-10",
                       "-e", "2013-10-11"])
    assert (args.start_at, args.end_at) == (dt.datetime(2013, 10, 10), dt.datetime(2013, 10, 11))


@pytest.mark.parametrize("flag", ["-s", "-e"])
def test_bad_dates_are_usage_errors(cfg, capsys, flag):
    with pytest.raises(SystemExit) as exit_:
        parse_args(["-c", cfg, "-q", cfg, "-t", cfg, "-b", cfg, flag, "not-a-date"])
    assert exit_.value.code == 2
    assert "invalid parse value: 'not-a-date'" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '"text"', "3"])
def test_files_that_are_not_json_objects(tmp_path, cfg, capsys, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(SystemExit) as exit_:
        parse_args(["-c", str(bad), "-q", cfg, "-t", cfg, "-b", cfg])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "invalid _load_json_file value" in err and str(bad) in err


def test_a_missing_file_is_a_config_error_naming_it(tmp_path, cfg):
    with pytest.raises(ConfigError, match="nowhere.json"):
        parse_args(["-c", str(tmp_path / "nowhere.json"), "-q", cfg, "-t", cfg, "-b", cfg])


def test_help_documents_every_flag(capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--credentials", "--collector", "--query", "--token", "--performanceplatform",
                 "--start", "--end", "--console-logging", "--dry-run", "--log-dir",
                 "exit codes", "LOGLEVEL", "DISABLE_COLLECTORS"):
        assert flag in text


def test_unicode_json_is_read_as_utf8(tmp_path):
    path = tmp_path / "q.json"
    path.write_text(json.dumps({"label": "Llywodraeth ☯"}, ensure_ascii=False), encoding="utf-8")
    args = parse_args(["-c", str(path), "-q", str(path), "-t", str(path), "-b", str(path)])
    assert args.query["label"] == "Llywodraeth ☯"
