"""What every collector folder and the top README owe their readers, checked.

Each collector ships ``README.rst`` showing ``sample/query.json`` and
``sample/credentials.json`` exactly as they are, documents every key of its sample query,
and its sample's entrypoint resolves. Every built-in entrypoint resolves through the
resolver the CLI uses, its ``main`` takes the six arguments, and it declares the query keys it
reads. The top README documents every flag of ``pp-collector --help`` and every exit code.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from performanceplatform.collector.arguments import build_parser
from performanceplatform.collector.config import validate_query
from performanceplatform.collector.entrypoints import BUILTIN, MAIN_ARGUMENTS, resolve
from performanceplatform.utils.errors import ExitCode

PACKAGE = Path(__file__).resolve().parents[3] / "performanceplatform" / "collector"
COLLECTORS = ["ga", "ga4", "pingdom", "piwik", "matomo", "webtrends", "gcloud"]
KEYS_DOCUMENTED_IN = {"matomo": "piwik"}  # matomo's README points to piwik's for the keys
TOP_README = PACKAGE.parents[1] / "README.rst"


def readme(name: str) -> str:
    return (PACKAGE / name / "README.rst").read_text(encoding="utf-8")


def sample(name: str, file: str) -> str:
    return (PACKAGE / name / "sample" / file).read_text(encoding="utf-8")


def indented_blocks(text: str) -> str:
    """The README with its indentation removed, so literal blocks compare as text."""
    return "\n".join(line.strip() for line in text.splitlines())


@pytest.mark.parametrize("name", COLLECTORS)
def test_readme_shows_the_sample_files_as_they_are(name):
    text = indented_blocks(readme(name))
    for file in ("query.json", "credentials.json"):
        content = indented_blocks(sample(name, file).strip())
        assert content in text, f"{name}/README.rst does not show sample/{file} verbatim"


@pytest.mark.parametrize("name", COLLECTORS)
def test_sample_query_is_valid_and_its_entrypoint_resolves(name):
    query = json.loads(sample(name, "query.json"))
    validate_query(query, f"{name}/sample/query.json")
    collector = resolve(query["entrypoint"], f"{name}/sample/query.json")
    assert collector.name == query["entrypoint"]
    unknown = set(query["query"]) - collector.query_keys
    assert not unknown, f"the sample query uses keys the collector does not declare: {unknown}"
    assert not set(query["options"]) - collector.option_keys


def modules_with_main() -> set[str]:
    """Every module of the collector package that defines, imports or assigns (``main =
    entrypoint(...)``) a top-level ``main`` (the CLI's own modules aside)."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        names |= {alias.asname or alias.name for node in tree.body
                  if isinstance(node, ast.ImportFrom) for alias in node.names}
        names |= {target.id for node in tree.body if isinstance(node, ast.Assign)
                  for target in node.targets if isinstance(target, ast.Name)}
        if "main" in names:
            parts = path.relative_to(PACKAGE.parents[1]).with_suffix("").parts
            found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found - {"performanceplatform.collector.main", "performanceplatform.collector.crontab",
                    "performanceplatform.collector.__main__"}


def test_every_collector_module_is_a_built_in_entrypoint():
    assert modules_with_main() == set(BUILTIN)


@pytest.mark.parametrize("entrypoint", sorted(BUILTIN))
def test_each_built_in_entrypoint_resolves_and_takes_the_six_arguments(entrypoint):
    import inspect

    collector = resolve(entrypoint, "contract")
    inspect.signature(collector.main).bind(*MAIN_ARGUMENTS)  # what the CLI passes
    assert inspect.getmodule(collector.main).__name__.startswith("performanceplatform.collector.")
    assert isinstance(collector.query_keys, frozenset), f"{entrypoint} declares no QUERY_KEYS"
    assert {"mappings", "idMapping", "chunk-size"} <= collector.option_keys


@pytest.mark.parametrize("name", COLLECTORS)
def test_every_sample_query_and_credentials_key_is_documented(name):
    text = readme(KEYS_DOCUMENTED_IN.get(name, name))
    query = json.loads(sample(name, "query.json"))
    keys = list(query["query"]) + list(query["options"])
    keys += list(json.loads(sample(name, "credentials.json")))
    missing = [key for key in keys if f"``{key}``" not in text]
    assert not missing, f"{name}/README.rst does not document {missing}"


@pytest.mark.parametrize("entrypoint", sorted(BUILTIN))
def test_every_declared_key_is_documented_in_the_collectors_readme(entrypoint):
    from performanceplatform.records.options import RECORD_OPTION_KEYS

    collector = resolve(entrypoint, "contract")
    folder = KEYS_DOCUMENTED_IN.get(entrypoint.split(".")[2], entrypoint.split(".")[2])
    text = readme(folder)
    keys = collector.query_keys | (collector.option_keys - RECORD_OPTION_KEYS)
    missing = sorted(key for key in keys if f"``{key}``" not in text)
    assert not missing, f"{folder}/README.rst does not document {missing}"


def test_top_readme_documents_every_flag():
    text = TOP_README.read_text(encoding="utf-8")
    flags = [option for action in build_parser()._actions for option in action.option_strings
             if option not in ("-h", "--help")]
    missing = [flag for flag in flags if not re.search(rf"``{re.escape(flag)}\b", text)]
    assert not missing, f"README.rst does not document {missing}"


def test_top_readme_documents_every_exit_code():
    text = TOP_README.read_text(encoding="utf-8")
    section = text[text.index("Exit codes:"):text.index("Config files")]
    documented = {int(line) for line in section.splitlines() if line.strip().isdigit()}
    assert documented == {int(code) for code in ExitCode}


def test_top_readme_links_every_collector():
    text = TOP_README.read_text(encoding="utf-8")
    for name in COLLECTORS:
        assert f"collector/{name}/" in text


def rst_files() -> list[Path]:
    root = PACKAGE.parents[1]
    return [*sorted(root.glob("*.rst")), *sorted((root / "performanceplatform").rglob("*.rst"))]


@pytest.mark.parametrize("path", rst_files(), ids=lambda p: p.name if p.parent.name ==
                         "performanceplatform" else f"{p.parent.name}/{p.name}")
def test_docs_are_valid_restructuredtext(path):
    import io

    import docutils.core
    import docutils.writers.null

    warnings = io.StringIO()
    docutils.core.publish_string(
        path.read_text(encoding="utf-8"), writer=docutils.writers.null.Writer(),
        settings_overrides={"report_level": 2, "halt_level": 5, "warning_stream": warnings})
    assert warnings.getvalue() == "", f"{path}: {warnings.getvalue()}"
