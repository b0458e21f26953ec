"""Print the kill rate of the last ``mutmut run`` (``make mutation``).

mutmut keeps each mutated file's results in ``mutants/<path>.meta`` (JSON, with the pytest
exit code of every mutant). Killed: a test failed (or pytest crashed, or the mutant ran out of
time). Every other mutant counts against the rate: survived, no test reached it, not run.
``--survivors`` also lists the mutants that were not killed, grouped by status, minus those
that ``tests/mutation-equivalent.txt`` lists as equivalent (shown apart, not counted as
killed).

    python tools/mutation_report.py [--survivors] [MUTANTS_DIR]
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


def main(argv: list[str]) -> int:
    show = "--survivors" in argv
    rest = [a for a in argv if a != "--survivors"]
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
    print("  ".join(f"{state}: {n}" for state, n in sorted(counts.items())))
    not_killed = [n for n, s in found.items() if s not in ("killed", "timeout")]
    left = [n for n in not_killed if n not in listed]
    equivalent_found = len(not_killed) - len(left)
    total = len(found)
    print(f"{len(left)} not killed and not listed as equivalent; {equivalent_found} listed as "
          f"equivalent ({100 * killed / max(1, total - equivalent_found):.1f}% killed of the "
          "others)")
    print(f"killed {killed} of {total} mutants ({100 * killed / total:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
