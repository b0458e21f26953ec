"""Department codes (``<D1>``, ``<EA570>``, ...) and the table that names them.

GOV.UK pages carry their organisation as a code in a custom dimension; the content
dashboards store the organisation's slug instead. The code-to-slug table is data, not code:
the GOV.UK table the original had built in (404 codes) ships beside this module as
``departments.json`` and is the default. A JSON file you name replaces it:

* ``options["departments-file"]`` in the query file (or Stagecraft config), else
* the environment variable ``PP_COLLECTOR_DEPARTMENTS``, else
* the shipped table.

A table is one JSON object from code to slug; the angle brackets are optional::

    {"<D1>": "attorney-generals-office", "D10": "department-for-work-pensions"}

Values that carry no ``<code>`` (``"Department for fooing"``) are used as they are, and a
code missing from the table is kept verbatim (``<ZZ9>``), both as the original did.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from performanceplatform.utils.data_parser import Document
from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.plugins.errors import PluginAssertionError

ENV_DEPARTMENTS = "PP_COLLECTOR_DEPARTMENTS"
OPTION_DEPARTMENTS = "departments-file"
SHIPPED_TABLE = "departments.json"  # in this package

_FIRST_CODE = re.compile(r"^(<[^>]+>).*$", re.DOTALL)


class DepartmentTable:
    """Code-to-slug lookups, read lazily from a JSON file, given as a mapping, or (with
    neither) the shipped GOV.UK table."""

    def __init__(self, path: str | None = None, entries: Mapping[str, str] | None = None):
        self.path = path
        self._entries = _normalised(entries, "departments") if entries is not None else None

    @classmethod
    def for_options(cls, options: Mapping[str, Any] | None = None) -> DepartmentTable:
        """The table a run uses: ``options["departments-file"]``, else the environment,
        else the shipped table."""
        path = (options or {}).get(OPTION_DEPARTMENTS) or os.environ.get(ENV_DEPARTMENTS)
        return cls(path=path or None)

    def lookup(self, key: str) -> str:
        """The slug for ``key``, or ``key`` itself when the table does not have it."""
        return self._load().get(key, key)

    def _load(self) -> Mapping[str, str]:
        if self._entries is None:
            self._entries = dict(_read(self.path) if self.path else shipped_table())
        return self._entries


@cache
def shipped_table() -> Mapping[str, str]:
    """The GOV.UK table that ships with pp-collector (read once, read-only)."""
    text = resources.files(__package__).joinpath(SHIPPED_TABLE).read_text(encoding="utf-8")
    return MappingProxyType(_normalised(json.loads(text), SHIPPED_TABLE))


def _read(path: str) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except OSError as error:
        raise ConfigError(f"cannot read department table: {error.strerror}", where=path)
    except ValueError as error:
        raise ConfigError(f"department table is not valid JSON: {error}", where=path)
    return _normalised(data, path)


def _normalised(data: Any, where: str) -> dict[str, str]:
    if not isinstance(data, Mapping):
        raise ConfigError('department table must be a JSON object {"<code>": "slug"}', where=where)
    table = {}
    for code, slug in data.items():
        if not isinstance(code, str) or not isinstance(slug, str):
            raise ConfigError(f"department table entry {code!r}: {slug!r} is not text", where=where)
        table[code if _is_code(code) else f"<{code}>"] = slug
    return table


def _is_code(value: str) -> bool:
    return value.startswith("<") and value.endswith(">")


def take_first_department_code(value: str) -> str | None:
    """``"<D3><D4>"`` gives ``"<D3>"``; a value not starting with a code gives None."""
    match = _FIRST_CODE.match(value)
    return match.group(1) if match else None


def try_get_department(value: str, departments: DepartmentTable | None = None) -> str:
    """The slug for the first code of ``value`` (or for ``value`` itself if it has none);
    unknown codes and plain names come back as they are."""
    departments = departments if departments is not None else DepartmentTable.for_options()
    return departments.lookup(take_first_department_code(value) or value)


class SetDepartment:
    """``SetDepartment('<D3>')`` or ``SetDepartment('Department for fooing')``: sets
    ``department`` on every record (looked up once)."""

    def __init__(self, value: str, *, departments: DepartmentTable | None = None):
        self.department = try_get_department(value, departments)

    def __call__(self, documents: list[Document]) -> list[Document]:
        for doc in documents:
            doc["department"] = self.department
        return documents


class ComputeDepartmentKey:
    """``ComputeDepartmentKey('customVarValue9')``: ``department`` from the first code in
    that field of each record."""

    def __init__(self, key: str, *, departments: DepartmentTable | None = None):
        self.key = key
        self.departments = departments if departments is not None else DepartmentTable.for_options()

    def __call__(self, documents: list[Document]) -> list[Document]:
        for doc in documents:
            doc["department"] = self.department_of(doc)
        return documents

    def department_of(self, doc: Document) -> str:
        if self.key not in doc:
            raise PluginAssertionError(f'ComputeDepartmentKey: key "{self.key}" not found "{doc}"')
        value = doc[self.key]
        code = take_first_department_code(value) if isinstance(value, str) else None
        if code is None:
            raise PluginAssertionError(
                f"ComputeDepartmentKey: {self.key} value {value!r} does not start with a "
                "<code>"
            )
        return self.departments.lookup(code)
