"""Store URLs: each form, what it means, and the one-line problem of a wrong one."""

from __future__ import annotations

import pytest

from performanceplatform.sinks import is_backdrop, parse_store_url, store_problem, url_secrets


@pytest.mark.parametrize("url, kind, target", [
    ("sqlite:///pp.db", "sqlite", "pp.db"),
    ("sqlite:////tmp/pp.db", "sqlite", "/tmp/pp.db"),
    ("SQLITE:///pp.db", "sqlite", "pp.db"),
    ("jsonl:///out.jsonl", "jsonl", "out.jsonl"),
    ("jsonl:////tmp/out.jsonl", "jsonl", "/tmp/out.jsonl"),
    ("-", "jsonl", "-"),
    ("postgresql://pp@db.example/pp", "postgresql", "postgresql://pp@db.example/pp"),
    ("postgres://pp@db.example/pp", "postgresql", "postgres://pp@db.example/pp"),
    ("https://backdrop.example/data", "backdrop", "https://backdrop.example/data"),
])
def test_each_form_names_its_store(url, kind, target):
    parsed = parse_store_url(url)
    assert (parsed.kind, parsed.target) == (kind, target)
    assert is_backdrop(url) == (kind == "backdrop")
    assert store_problem(url) is None


def test_a_password_is_never_shown_and_is_registered_as_a_secret():
    parsed = parse_store_url("postgresql://pp:s3cret@db.example:5432/pp")
    assert parsed.shown == "postgresql://***@db.example:5432/pp"
    assert url_secrets("postgresql://pp:s3cret@db.example/pp") == ["s3cret"]
    assert url_secrets("sqlite:///pp.db") == [] and url_secrets("-") == []


@pytest.mark.parametrize("url, problem", [
    ("", "expected an http:// or https:// URL (a Backdrop), sqlite:///FILE"),
    ("pp.db", "- (standard output), got 'pp.db'"),
    ("mysql://db/pp", "got 'mysql://db/pp'"),
    ("https:///data", "got 'https:///data' (no host)"),
    ("sqlite:pp.db", "is not a sqlite URL"),
    ("sqlite:///", "is not a sqlite URL"),
    ("sqlite:///:memory:", "an in-memory database is lost"),
    ("sqlite:///missing/pp.db", "the folder 'missing' does not exist"),
    ("sqlite:////tmp", "'/tmp' is a folder, not a file"),
    ("jsonl://out.jsonl", "is not a jsonl URL"),
    ("postgresql://db/pp?no_such_parameter=1", "is not a PostgreSQL URL libpq can read"),
])
def test_a_wrong_url_says_what_is_wrong(url, problem, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problem in str(store_problem(url))
