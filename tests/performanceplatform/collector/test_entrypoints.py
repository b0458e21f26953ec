"""Entrypoints: only built-in and registered collectors run; anything else is refused before it
is imported. Each case runs the real CLI against the sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from performanceplatform.collector.entrypoints import ENTRY_POINT_GROUP
from tests.helpers import REPO, TEST_COLLECTORS, stored
from tests.performanceplatform.collector.test_main import (
    QUERY,
    STAGECRAFT_CONFIG,
    assert_one_line_failure,
    posts,
    with_,
)

ACME = '''\
"""A third party's collector, in a package of its own."""

from performanceplatform.sinks.pusher import Pusher

QUERY_KEYS = frozenset({"value"})


def main(credentials, data_set_config, query, options, start_at, end_at):
    record = {"_id": "acme", "_timestamp": "2018-08-01T00:00:00+00:00", "value": query["value"]}
    Pusher(data_set_config, options).push([record])
'''


def install(folder: Path, name: str, modules: dict[str, str], entry_points: str) -> None:
    """A distribution as pip leaves it in site-packages: modules and a dist-info."""
    for module, text in modules.items():
        (folder / f"{module}.py").write_text(text)
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry_points}\n")


def path_with(*folders: Path | str) -> dict[str, str]:
    return {"PYTHONPATH": os.pathsep.join(str(f) for f in (*folders, REPO, TEST_COLLECTORS))}


@pytest.mark.parametrize("name", ["sidefx", "antigravity", "os", "tests.collectors.echo.main",
                                  "performanceplatform.collector.main",
                                  "performanceplatform.collector.ga.client"])
def test_an_unregistered_module_is_refused_before_it_is_imported(sandbox, run_cli, tmp_path,
                                                                 name):
    site = tmp_path / "site"
    site.mkdir()
    mark = tmp_path / "imported"
    (site / "sidefx.py").write_text(
        f"open({str(mark)!r}, 'w').write('side effects ran')\n"
        "def main(credentials, data_set_config, query, options, start_at, end_at):\n"
        "    pass\n")
    result = run_cli(with_(QUERY, entrypoint=name), {}, env=path_with(site))
    assert_one_line_failure(result, "query.json: key 'entrypoint'", f"'{name}' is not a "
                            "collector", "nothing was imported")
    assert not mark.exists()
    assert posts(sandbox) == []


def test_a_registered_third_party_collector_runs(sandbox, run_cli, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    install(site, "acme_pp_collector", {"acme_collector": ACME},
            "acme.visits = acme_collector")
    query = with_(QUERY, entrypoint="acme.visits", query={"value": 7, "valeu": 8})
    result = run_cli(query, {}, env=path_with(site))
    assert result.code == 0, result.output
    assert [(r["_id"], r["value"]) for r in stored(sandbox, "g", "t")] == [("acme", 7)]
    # its declared QUERY_KEYS drive the unknown-key warning too
    assert "unknown key 'query.valeu': not one that acme.visits reads (did you mean " \
        "`value`?)" in result.stderr


def test_a_registered_function_runs_too(sandbox, run_cli, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    install(site, "acme_pp_collector", {"acme_collector": ACME},
            "acme.visits = acme_collector:main")
    result = run_cli(with_(QUERY, entrypoint="acme.visits", query={"value": 1}), {},
                     env=path_with(site))
    assert result.code == 0, result.output
    assert len(stored(sandbox, "g", "t")) == 1


def test_main_with_the_wrong_signature_is_a_config_error(sandbox, run_cli):
    result = run_cli(with_(QUERY, entrypoint="tests.collectors.wrong_signature"), {})
    assert_one_line_failure(result, "query.json: key 'entrypoint'",
                            "main(credentials, query) cannot be called as main(credentials, "
                            "data_set_config, query, options, start_at, end_at)")
    assert "unexpected TypeError" not in result.stderr


@pytest.mark.parametrize("name", [".ga", "..collector.ga"])
def test_a_relative_name_is_a_config_error(sandbox, run_cli, name):
    result = run_cli(with_(QUERY, entrypoint=name), {})
    assert_one_line_failure(result, "query.json: key 'entrypoint'", "relative name",
                            f"'performanceplatform.collector{name}'")


def test_a_registered_collectors_missing_dependency_is_named(sandbox, run_cli):
    result = run_cli(with_(QUERY, entrypoint="tests.collectors.needs_missing"), {})
    assert_one_line_failure(result, "key 'entrypoint'", "collector "
                            "'tests.collectors.needs_missing' needs the module "
                            "'pp_collector_tests_no_such_dependency', which is not installed")


def test_a_registration_whose_module_is_gone(sandbox, run_cli):
    result = run_cli(with_(QUERY, entrypoint="tests.collectors.gone"), {})
    assert_one_line_failure(result, "key 'entrypoint'", "has no module "
                            "'tests.collectors.no_such_module'")


def test_a_built_in_collectors_missing_dependency_is_named(sandbox, run_cli, tmp_path):
    """GA4 imports google-auth only when it runs: that import failing is reported as such."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.modules['google.auth'] = None\n")
    query = with_(QUERY, entrypoint="performanceplatform.collector.ga4",
                  query={"property": "123", "metrics": ["sessions"]})
    result = run_cli(query, {"CREDENTIALS_FILE": "nowhere.json"}, env=path_with(site))
    assert_one_line_failure(result, "key 'entrypoint'", "collector "
                            "'performanceplatform.collector.ga4' needs the module "
                            "'google.auth")
    assert "which is not installed" in result.stderr
    assert "no collector module" not in result.stderr


def test_an_entrypoint_from_stagecraft_is_resolved_the_same_way(sandbox, sandbox_config,
                                                                 run_cli):
    sandbox_config.collectors["echo-slug"] = dict(STAGECRAFT_CONFIG, entry_point="antigravity")
    result = run_cli(None, {}, "-l", "echo-slug")
    assert_one_line_failure(result, "stagecraft collector 'echo-slug': key 'entrypoint'",
                            "'antigravity' is not a collector")
    assert posts(sandbox) == []


@pytest.mark.parametrize("value", ["", "   ", None])
def test_an_empty_entrypoint_is_refused(sandbox, run_cli, value):
    result = run_cli(with_(QUERY, entrypoint=value), {})
    assert_one_line_failure(result, "query.json", "key 'entrypoint'")
    assert posts(sandbox) == []
