"""Turning plugin strings into plugins, safely, and running the pipeline.

A plugin string is one call of a known plugin with literal arguments::

    ComputeIdFrom('_timestamp', 'timeSpan', 'dataType', 'department', )
    AggregateKey(aggregate_count("visits"),    aggregate_rate("rate", "visits"))

Strings and numbers (single or double quotes, trailing commas, any spacing) are accepted,
and ``aggregate_*`` calls as arguments. The original ``eval``-ed these strings, so any
Python expression ran; here anything else is a configuration error naming the string.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from performanceplatform.records.ids import Document
from performanceplatform.records.plugins.aggregate import (
    AggregateKey,
    aggregate_count,
    aggregate_rate,
)
from performanceplatform.records.plugins.basic import Comment, ComputeIdFrom, ComputeRank, RemoveKey
from performanceplatform.records.plugins.department import (
    ComputeDepartmentKey,
    DepartmentTable,
    SetDepartment,
)
from performanceplatform.records.plugins.errors import PluginError, PluginOrderError

Plugin = Callable[[list[Document]], list[Document]]

PLUGINS: dict[str, type] = {
    "AggregateKey": AggregateKey,
    "Comment": Comment,
    "ComputeDepartmentKey": ComputeDepartmentKey,
    "ComputeIdFrom": ComputeIdFrom,
    "ComputeRank": ComputeRank,
    "RemoveKey": RemoveKey,
    "SetDepartment": SetDepartment,
}
NEEDS_DEPARTMENTS = (ComputeDepartmentKey, SetDepartment)
ARGUMENT_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "aggregate_count": aggregate_count,
    "aggregate_rate": aggregate_rate,
}

_LAST_PLUGIN_MESSAGE = (
    "Last plugin must be `ComputeIdFrom` for now. This may be changed with further "
    "development if necessary"
)


def run_plugins(
    plugin_strings: Sequence[str],
    documents: list[Document],
    options: Mapping[str, Any] | None = None,
    departments: DepartmentTable | None = None,
) -> list[Document]:
    """Apply the plugins in order; the last must be ``ComputeIdFrom`` (checked before any
    is parsed). The department table comes from ``departments``, else from ``options``
    and the environment (see :mod:`.department`)."""
    if not plugin_strings:
        return list(documents)
    if not isinstance(plugin_strings[-1], str) or not plugin_strings[-1].startswith(
        "ComputeIdFrom"
    ):
        raise PluginOrderError(f"{_LAST_PLUGIN_MESSAGE} (last plugin: {plugin_strings[-1]!r})")
    if departments is None:
        departments = DepartmentTable.for_options(options)
    plugins = [load_plugin(text, departments) for text in plugin_strings]
    result = list(documents)
    for plugin in plugins:
        result = list(plugin(result))
    return result


def load_plugin(text: str, departments: DepartmentTable | None = None) -> Plugin:
    """The plugin a plugin string describes; PluginError (a ConfigError) if it is not one."""
    if not isinstance(text, str):
        raise PluginError(f"plugin {text!r} is not a string")
    name, call = _parse_call(text)
    plugin_class = PLUGINS.get(name)
    if plugin_class is None:
        raise PluginError(f"unknown plugin {name!r} in {text!r} (known: {', '.join(PLUGINS)})")
    args = [_argument(node, text) for node in call.args]
    kwargs = {"departments": departments} if plugin_class in NEEDS_DEPARTMENTS else {}
    try:
        return plugin_class(*args, **kwargs)
    except TypeError as error:
        raise PluginError(f"bad arguments in {text!r}: {error}")


def _parse_call(text: str) -> tuple[str, ast.Call]:
    """The plugin's name and its call."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise PluginError(f"cannot parse plugin {text!r}: {error.msg}")
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise PluginError(f"plugin {text!r} is not a call such as ComputeIdFrom('field')")
    if call.keywords:
        raise PluginError(f"plugin {text!r}: keyword arguments are not supported")
    return call.func.id, call


def _argument(node: ast.expr, text: str) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
    ):
        return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        function = ARGUMENT_FUNCTIONS.get(node.func.id)
        if function is not None:
            args = [_argument(arg, text) for arg in node.args]
            try:
                return function(*args)
            except TypeError as error:
                raise PluginError(f"bad arguments in {text!r}: {error}")
    raise PluginError(
        f"plugin {text!r}: arguments must be strings, numbers or "
        f"{'/'.join(ARGUMENT_FUNCTIONS)}(...) calls, not {ast.unparse(node)!r}"
    )
