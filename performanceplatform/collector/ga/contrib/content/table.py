"""``performanceplatform.collector.ga.contrib.content.table``: one GA report per department.

``options.filtersets`` lists filter sets such as ``[["dimension9=~^<D1>"], ...]``. Each set
is AND-ed (``;``) onto the query's own ``filters`` and queried like the core collector
does, period by period, with ``department`` (from the set's first filter, through the
department table of the department plugins) added to every record. Plugins run per set, so
``ComputeRank`` restarts at 1 for each department.

It must see every record first (the pipeline's ``whole_set``): plugins rank within each
department, and all records are written at the end, in one go, as the original did. What
it holds is the records themselves (a content table is a few top-N lists), and each set's
rows become records as they come.

As in the original, ``ga:`` is put in front of every filter after the first one, even one
that already has it (``ga:ga:pagePath``): changing that would change the data collected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from performanceplatform.collector.ga import QUERY_KEYS  # noqa: F401 (the core collector's)
from performanceplatform.collector.ga.collect import CoreReports
from performanceplatform.pipeline.collector import Checks, Unit
from performanceplatform.pipeline.entrypoint import entrypoint

_DEPARTMENT_FILTER = re.compile(r"=~\^")
RETIRED = ("Google shut down Universal Analytics and its Core Reporting API v3 in 2023-2024; "
           "GA4 has no content-table collector: one performanceplatform.collector.ga4 query "
           "per department does the same (collector/ga4/MIGRATION.rst)")
OPTION_KEYS = frozenset({"filtersets"})


main = entrypoint(__name__, "performanceplatform.collector.ga.contrib.content.table:ContentTable")

@dataclass
class Department:
    """One filter set: its request, its record builder (its ``department``, its plugins)
    and the records of its periods built so far."""

    name: str
    request: Any
    builder: Any
    held: list[dict[str, Any]] = field(default_factory=list)


class ContentTable(CoreReports):
    """One unit per filter set and period, in that order; records built per set."""

    source = "Google Analytics content table"
    builds_records = True  # each set builds its own, with its department and its plugins
    whole_set = True

    def check(self, query: Any, options: Mapping[str, Any], credentials: Any,
              problems: Checks) -> None:
        super().check(query, options, credentials, problems)
        for key, message in filterset_problems(query, options):
            problems.query.add(key, message)

    def plan(self, query: Any, options: Mapping[str, Any], start_at: Any,
             end_at: Any) -> list[Unit]:
        from performanceplatform.pipeline.records import RecordBuilder

        periods = super().plan(query, options, start_at, end_at)
        departments = [Department(run_options["additionalFields"]["department"], request,
                                  RecordBuilder(run_options, self.data_type))
                       for request, run_options in department_runs(self.request, query,
                                                                   options)]
        return [Unit(f"{department.name} {period.label}", period.start, period.end,
                     extra=(department, period is periods[-1]))
                for department in departments for period in periods]

    def request_for(self, unit: Unit) -> Any:
        department, _ = unit.extra
        return department.request.for_period(unit.start, unit.end)

    def build(self, unit: Unit, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Nothing until the set's last period; then all its records, through its plugins."""
        department, last = unit.extra
        department.held.extend(department.builder.records(super().build(unit, rows)))
        if not last:
            return []
        records, department.held = department.held, []
        return department.builder.finish(list(department.builder.checked(records)))


def department_runs(request: Any, query: Mapping[str, Any], options: Mapping[str, Any]
                    ) -> list[tuple[Any, dict[str, Any]]]:
    """``(request, options)`` of each filter set: its filters and its ``department``."""
    from performanceplatform.records.plugins import DepartmentTable

    departments = DepartmentTable.for_options(options)
    original = list(query.get("filters", []))
    runs = []
    for filterset in options["filtersets"]:
        additional = dict(options.get("additionalFields") or {})
        additional["department"] = get_department(filterset, departments)
        runs.append((replace(request, filters=(and_filters(original + filterset),)),
                     dict(options, additionalFields=additional)))
    return runs


def filterset_problems(query: Any, options: Any) -> list[tuple[str, str]]:
    """What is wrong with ``options.filtersets`` and ``query.filters`` (none if all is well)."""
    if not isinstance(options, Mapping) or not isinstance(query, Mapping):
        return []  # reported by the query and options checks
    filtersets = options.get("filtersets")
    if not filtersets or not isinstance(filtersets, list):
        return [("options.filtersets", "`filtersets` must be specified (a list of lists of "
                                       "filters)")]
    problems = []
    original = query.get("filters", [])
    if not isinstance(original, list):
        problems.append(("query.filters", f"expected a list of filters, got {original!r:.40}"))
    problems += [("options.filtersets", problem)
                 for index, filterset in enumerate(filtersets)
                 for problem in _filterset_problems(index, filterset)]
    return problems


def and_filters(filters: Sequence[str]) -> str:
    """One AND-ed filter; ``ga:`` before every element but the first (which the query
    prefixing handles), as the original did."""
    return ";".join([filters[0]] + ["ga:" + f for f in filters[1:]])


def get_department(filterset: Sequence[str], departments: Any = None) -> str:
    """The department named by the first filter's ``=~^`` value (``dimension9=~^<D1>``)."""
    from performanceplatform.records.plugins import try_get_department

    parts = _DEPARTMENT_FILTER.split(filterset[0])
    if len(parts) != 2:
        raise ValueError(_NO_DEPARTMENT)
    return try_get_department(parts[1], departments)


_NO_DEPARTMENT = ("department not found in filters, expected filter expression containing "
                  "'=~^' e.g. 'Organisation=~^<A1>'")


def _filterset_problems(index: int, filterset: Any) -> list[str]:
    where = f"filterset {index + 1}"
    if not isinstance(filterset, list) or not filterset:
        return [f"{where}: expected a non-empty list of filters"]
    if not all(isinstance(f, str) and f for f in filterset):
        return [f"{where}: filters must be non-empty strings"]
    if len(_DEPARTMENT_FILTER.split(filterset[0])) != 2:
        return [f"{where}: {_NO_DEPARTMENT}, got {filterset[0]!r:.60}"]
    return []
