"""Plugins: whole-run transformations of records, named by ``options.plugins`` strings.

See ``README.rst`` in this folder for each plugin and the department table.
"""

from performanceplatform.utils.plugins.aggregate import (
    AggregateKey,
    aggregate_count,
    aggregate_rate,
)
from performanceplatform.utils.plugins.basic import Comment, ComputeIdFrom, ComputeRank, RemoveKey
from performanceplatform.utils.plugins.department import (
    ENV_DEPARTMENTS,
    OPTION_DEPARTMENTS,
    ComputeDepartmentKey,
    DepartmentTable,
    SetDepartment,
    take_first_department_code,
    try_get_department,
)
from performanceplatform.utils.plugins.errors import (
    PluginAssertionError,
    PluginError,
    PluginKeyError,
    PluginOrderError,
)
from performanceplatform.utils.plugins.loader import PLUGINS, load_plugin, run_plugins

__all__ = [
    "ENV_DEPARTMENTS",
    "OPTION_DEPARTMENTS",
    "PLUGINS",
    "AggregateKey",
    "Comment",
    "ComputeDepartmentKey",
    "ComputeIdFrom",
    "ComputeRank",
    "DepartmentTable",
    "PluginAssertionError",
    "PluginError",
    "PluginKeyError",
    "PluginOrderError",
    "RemoveKey",
    "SetDepartment",
    "aggregate_count",
    "aggregate_rate",
    "load_plugin",
    "run_plugins",
    "take_first_department_code",
    "try_get_department",
]
