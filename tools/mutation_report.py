"""Print the kill rate of the last ``mutmut run`` (``make mutation``).

mutmut keeps each mutated file's results in ``mutants/<path>.meta`` (JSON, with the pytest
exit code of every mutant). Killed: a test failed (or pytest crashed, or the mutant ran out of
time). Every other mutant counts against the rate: survived, no test reached it, not run.
``--survivors`` also lists the mutants that were not killed, grouped by status, minus those
that ``tests/mutation-equivalent.txt`` lists as equivalent (shown apart, not counted as
killed).

``--by-module`` adds one line per mutated module: killed, equivalent, not killed, not run.

An entry of the equivalents list is stale when the run has its module but not that mutant,
or killed it: the code changed and mutmut renumbered the function's mutants, so the name now
means another mutant. Stale entries are counted (and listed with ``--survivors``).

    python tools/mutation_report.py [--survivors] [--by-module] [MUTANTS_DIR]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout",
          152: "timeout", 255: "timeout"}
OTHER = {0: "survived", 5: "no tests", 33: "no tests", None: "not checked", 34: "skipped",
         37: "caught by type check"}
EQUIVALENT_FILE = Path(__file__).resolve().parents[1] / "tests" / "mutation-equivalent.txt"


def status(code: int | None) -> str:
    return KILLED.get(code) or OTHER.get(code, "suspicious")  # type: ignore[arg-type]


def results(mutants: Path) -> dict[str, str]:
    """Every mutant's name and status."""
    found: dict[str, str] = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        found.update({name: status(code) for name, code in codes.items()})
    return found


def equivalent() -> set[str]:
    """Mutant names listed as equivalent: the first word of each non-comment line."""
    if not EQUIVALENT_FILE.exists():
        return set()
    lines = EQUIVALENT_FILE.read_text(encoding="utf-8").splitlines()
    return {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}


def module_of(name: str) -> str:
    """The module of a mutant: ``a.b`` of ``a.b.x_f__mutmut_1``."""
    return name.split(".x", 1)[0]


def by_module(found: dict[str, str], listed: set[str]) -> None:
    rows: dict[str, Counter] = {}
    for name, state in found.items():
        kind = ("killed" if state in ("killed", "timeout") else "not run"
                if state == "not checked" else "equivalent" if name in listed else "not killed")
        rows.setdefault(module_of(name), Counter())[kind] += 1
    for module, row in sorted(rows.items()):
        total = sum(row.values())
        print(f"{module:55} {row['killed']:5}/{total:<5} killed  {row['equivalent']:3} "
              f"equivalent  {row['not killed']:3} not killed  {row['not run']:4} not run")


def stale(found: dict[str, str], listed: set[str]) -> list[str]:
    """Listed names that this run contradicts: killed, or missing from a module it mutated."""
    modules = {module_of(name) for name in found}
    return sorted(name for name in listed
                  if found.get(name) in ("killed", "timeout")
                  or (name not in found and module_of(name) in modules))


def main(argv: list[str]) -> int:
    show = "--survivors" in argv
    modules = "--by-module" in argv
    rest = [a for a in argv if a not in ("--survivors", "--by-module")]
    found = results(Path(rest[0] if rest else "mutants"))
    if not found:
        print("no mutmut results: run `make mutation` first", file=sys.stderr)
        return 1
    counts = Counter(found.values())
    killed = counts["killed"] + counts["timeout"]
    listed = equivalent()
    if show:
        for name, state in sorted(found.items()):
            if state not in ("killed", "timeout"):
                mark = " (equivalent: tests/mutation-equivalent.txt)" if name in listed else ""
                print(f"{state}: {name}{mark}")
    outdated = stale(found, listed)
    if show:
        for name in outdated:
            print(f"stale equivalent entry: {name}")
    if modules:
        by_module(found, listed)
    print("  ".join(f"{state}: {n}" for state, n in sorted(counts.items())))
    not_killed = [n for n, s in found.items() if s not in ("killed", "timeout")]
    left = [n for n in not_killed if n not in listed]
    equivalent_found = len(not_killed) - len(left)
    total = len(found)
    print(f"{len(left)} not killed and not listed as equivalent; {equivalent_found} listed as "
          f"equivalent ({100 * killed / max(1, total - equivalent_found):.1f}% killed of the "
          "others)")
    if outdated:
        print(f"{len(outdated)} entries of {EQUIVALENT_FILE.name} are stale (killed, or no "
              "such mutant): check them with `mutmut show NAME`")
    print(f"killed {killed} of {total} mutants ({100 * killed / total:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
