"""What ``pp-collector validate`` found, file by file, and how it is printed (text or JSON;
secrets masked)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

SHOWN_UNITS = 10  # a longer plan shows its first and last units


@dataclass
class Report:
    """What validating one query file found."""

    path: str
    job: str | None = None  # the jobs file's file:line
    collector: str | None = None
    data_set: str | None = None
    store: str | None = None
    plan: list[str] | None = None  # the labels of the units a run would fetch
    unit: str = "unit"  # what a unit is ("period", "request")
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: bool = False  # a JSON file in a folder that is not a query file
    unchecked: str | None = None  # why a job was not checked (its config is in Stagecraft)


@dataclass
class Shared:
    """The files given once for every query file, loaded and checked."""

    credentials: dict[str, Any] | None = None
    token: dict[str, Any] | None = None
    performanceplatform: dict[str, Any] | None = None
    store: str | None = None  # the checked store URL
    problems: list[str] = field(default_factory=list)


def summary(shared: Shared, reports: list[Report]) -> dict[str, int]:
    checked = [report for report in reports if not report.skipped]
    bad = sum(1 for report in checked if report.problems)
    unchecked = sum(1 for report in checked if report.unchecked and not report.problems)
    return {"files": len(checked), "ok": len(checked) - bad - unchecked, "with_problems": bad,
            "not_checked": unchecked, "skipped": len(reports) - len(checked),
            "shared_problems": len(shared.problems)}


def print_text(shared: Shared, reports: list[Report]) -> None:
    from performanceplatform.utils.redact import redact

    def say(line: str) -> None:
        print(redact(line))

    for problem in shared.problems:
        say(f"problem: {problem}")
    for report in reports:
        if report.skipped:
            continue
        count = len(report.problems)
        state = "not checked" if report.unchecked and not count else "ok"
        say(f"{report.path}: " + (f"{count} problem{'s' * (count != 1)}" if count else state))
        for label, value in (("job", report.job), ("not checked", report.unchecked),
                             ("collector", report.collector), ("data set", report.data_set),
                             ("store", report.store)):
            if value:
                say(f"  {label}: {value}")
        if report.plan is not None:
            say(f"  plan: {_plan_text(report.plan, report.unit)}")
        for note in report.notes:
            say(f"  {note}")
        for warning in report.warnings:
            say(f"  warning: {warning}")
        for problem in report.problems:
            say(f"  problem: {problem}")
    counts = summary(shared, reports)
    noun = "job" if any(report.job for report in reports) else "file"
    line = f"{counts['files']} {noun}{'s' * (counts['files'] != 1)}: {counts['ok']} ok, " \
           f"{counts['with_problems']} with problems"
    if counts["not_checked"]:
        line += f", {counts['not_checked']} not checked"
    if counts["skipped"]:
        line += f" ({counts['skipped']} other JSON files skipped)"
    if shared.problems:
        line += f"; {len(shared.problems)} problem(s) in the -c/-t/-b/--store configs"
    say(line)


def _plan_text(labels: list[str], unit: str) -> str:
    count = f"{len(labels)} {unit}{'s' * (len(labels) != 1)}"
    if len(labels) <= SHOWN_UNITS:
        return f"{count}: " + ", ".join(labels)
    hidden = len(labels) - 4
    return f"{count}: " + ", ".join(labels[:3]) + f", ... {hidden} more ..., {labels[-1]}"


def print_json(shared: Shared, reports: list[Report]) -> None:
    from performanceplatform.utils.redact import redact

    document = {"files": [asdict(report) for report in reports if not report.skipped],
                "problems": shared.problems, "summary": summary(shared, reports)}
    sys.stdout.write(redact(json.dumps(document, indent=2)) + "\n")
