"""``performanceplatform.collector.ga.contrib.content.table``: one GA report per department.

``options.filtersets`` lists filter sets such as ``[["dimension9=~^<D1>"], ...]``. Each set
is AND-ed (``;``) onto the query's own ``filters`` and queried like the core collector
does, with ``department`` (from the set's first filter, through the department table) added
to every record. Plugins run per set, so ``ComputeRank`` restarts at 1 for each department.
All records are written at the end, in one go.

As in the original, ``ga:`` is put in front of every filter after the first one, even one
that already has it (``ga:ga:pagePath``): changing that would change the data collected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from performanceplatform.collector.ga import QUERY_KEYS  # noqa: F401 (the core collector's)
from performanceplatform.utils.errors import ConfigError

_DEPARTMENT_FILTER = re.compile(r"=~\^")
RETIRED = ("Google shut down Universal Analytics and its Core Reporting API v3 in 2023-2024; "
           "GA4 has no content-table collector: one performanceplatform.collector.ga4 query "
           "per department does the same (collector/ga4/MIGRATION.rst)")
OPTION_KEYS = frozenset({"filtersets"})


def main(credentials: dict[str, Any], data_set_config: dict[str, Any], query: dict[str, Any],
         options: dict[str, Any], start_at: Any, end_at: Any) -> None:
    from performanceplatform.sinks.pusher import Pusher

    from ...client import CoreReportingClient
    from ...query import check_core_config, parse_core_query
    from ...records import periods_for, query_documents_for

    # every problem of the query, the options and the filter sets, before any request
    check_core_config(query, options, extra=filterset_problems(query, options))
    runs = department_runs(query, options)
    for run_query, _ in runs:
        _, frequency = parse_core_query(run_query)
    periods_for(start_at, end_at, frequency)
    client = CoreReportingClient.from_credentials(credentials)
    documents: list[dict[str, Any]] = []
    for run_query, run_options in runs:
        documents += query_documents_for(client, run_query, run_options,
                                         data_set_config["data-type"], start_at, end_at)
    Pusher(data_set_config, options).push(documents)


def department_runs(query: Mapping[str, Any], options: Mapping[str, Any]
                    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """``(query, options)`` of each filter set: its filters and its ``department``."""
    problems = filterset_problems(query, options)
    if problems:
        raise ConfigError("; ".join(problems))
    from performanceplatform.records.plugins import DepartmentTable

    departments = DepartmentTable.for_options(options)
    original = query.get("filters", [])
    return [_run(query, options, original, filterset, departments)
            for filterset in options["filtersets"]]


def filterset_problems(query: Any, options: Any) -> list[str]:
    """What is wrong with ``options.filtersets`` and ``query.filters`` (none if all is well)."""
    if not isinstance(options, Mapping) or not isinstance(query, Mapping):
        return []  # reported by the query and options checks
    filtersets = options.get("filtersets")
    if not filtersets or not isinstance(filtersets, list):
        return ["key 'options.filtersets': `filtersets` must be specified (a list of lists of "
                "filters)"]
    problems = []
    original = query.get("filters", [])
    if not isinstance(original, list):
        problems.append(f"key 'query.filters': expected a list of filters, got "
                        f"{original!r:.40}")
    problems += [f"key 'options.filtersets': {problem}"
                 for index, filterset in enumerate(filtersets)
                 for problem in _filterset_problems(index, filterset)]
    return problems


def _run(query: Mapping[str, Any], options: Mapping[str, Any], original: list[str],
         filterset: list[str], departments: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    run_query = dict(query, filters=[and_filters(original + filterset)])
    additional = dict(options.get("additionalFields") or {})
    additional["department"] = get_department(filterset, departments)
    return run_query, dict(options, additionalFields=additional)


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
