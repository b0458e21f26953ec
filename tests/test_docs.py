"""Docs checked by tests: every ``PP_COLLECTOR_*`` environment variable the package reads is
documented in README.rst or in a README it links to; the top-level guides exist and are
linked."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "performanceplatform"
PREFIX = "PP_COLLECTOR_"
_LINK = re.compile(r"``((?:performanceplatform/)?[\w./-]+/README\.rst)``")


def variables_read_by_the_package() -> dict[str, list[str]]:
    """Each ``PP_COLLECTOR_*`` name in the package's code, with the files naming it."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for name in re.findall(rf"\b{PREFIX}[A-Z0-9_]*", text):
            found.setdefault(name, []).append(str(path.relative_to(REPO)))
    return found


def documentation() -> str:
    """README.rst and every README.rst it links to (``collector/pingdom/README.rst``, ...)."""
    top = (REPO / "README.rst").read_text(encoding="utf-8")
    texts = [top]
    for link in sorted(set(_LINK.findall(top))):
        for base in (REPO, PACKAGE):
            if (base / link).is_file():
                texts.append((base / link).read_text(encoding="utf-8"))
                break
    return "\n".join(texts)


def test_every_environment_variable_the_code_reads_is_documented():
    found = variables_read_by_the_package()
    assert len(found) >= 10  # the scan works: LOG_DIR, TIMEOUT, NOW, the workers' settings...
    built = sorted({where for name, places in found.items() if name == PREFIX
                    for where in places})
    assert not built, f"a variable name is built from the bare prefix in {built}: name it whole"
    docs = documentation()
    missing = sorted(name for name in found if f"``{name}``" not in docs)
    assert not missing, (f"not documented in README.rst or a README it links to: "
                         f"{ {name: found[name] for name in missing} }")


def test_the_readme_links_the_workers_readme_where_their_variables_are():
    assert "performanceplatform/workers/README.rst" in _LINK.findall(
        (REPO / "README.rst").read_text(encoding="utf-8"))


def test_the_guides_are_linked_from_the_readme():
    readme = (REPO / "README.rst").read_text(encoding="utf-8")
    for guide in ("MIGRATION.rst", "CHANGELOG.rst", "LICENSE"):
        assert (REPO / guide).is_file()
        assert f"``{guide}``" in readme
