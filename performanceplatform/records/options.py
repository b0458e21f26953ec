"""Checking the record-builder options of a query file before the first request.

Every collector that builds its records with ``utils.data_parser`` and writes them with
``utils.data_pusher`` reads the same ``options`` keys:

==================  ===========================================================
``mappings``        an object of text → text (source field → record key)
``idMapping``       a key, or a list of keys, whose values make the ``_id``
``additionalFields`` an object whose fields are added to every record
``dataType``        text: the record's ``dataType`` (default: the data set's type)
``plugins``         a list of plugin strings, each parsed (never evaluated or run)
``chunk-size``      a whole number: records per POST (default 100; 0: one POST)
``empty-data-set``  true or false: empty the data set before writing
``concurrency``     a whole number: periods fetched at once (``pipeline.settings``)
==================  ===========================================================

``check_record_options(problems, options)`` records every problem of these keys in a
``utils.checks.Problems`` as ``options.<key>``, so that a collector raises them with its
query's problems as one ``ConfigError``::

    problems = Problems(where_of(query_config, "query config"))
    check_record_options(problems, options)
    problems.raise_if_any()

Other keys are left alone unless ``known`` lists the keys a collector accepts (existing
query files of the original may carry keys it ignored, and must keep working).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import ConfigError

RECORD_OPTION_KEYS = frozenset({
    "mappings", "idMapping", "additionalFields", "dataType", "plugins", "chunk-size",
    "empty-data-set", "departments-file", "concurrency",
})


def check_record_options(problems: Problems, options: Any,
                         known: Iterable[str] | None = None, prefix: str = "options") -> None:
    """Record in ``problems`` what is wrong with the record-builder keys of ``options``.

    ``known``: when given, any other key is reported as unknown too.
    """
    if options is None:
        return
    if not isinstance(options, Mapping):
        problems.add(prefix, f"expected a JSON object, got {type(options).__name__}")
        return
    if known is not None:
        allowed = set(known)
        for key in options:
            if key not in allowed and key != "path_to_json_file":
                problems.add(f"{prefix}.{key}",
                             f"unknown key; known keys: {', '.join(sorted(allowed))}")
    _mappings(problems, options, prefix)
    _id_mapping(problems, options, prefix)
    if "additionalFields" in options and not isinstance(options["additionalFields"], Mapping):
        problems.add(f"{prefix}.additionalFields", "expected a JSON object, got "
                                                  f"{options['additionalFields']!r:.40}")
    if "dataType" in options and not isinstance(options["dataType"], str):
        problems.add(f"{prefix}.dataType", f"expected a string, got {options['dataType']!r:.40}")
    _plugins(problems, options, prefix)
    problems.chunk_size(options, f"{prefix}.chunk-size")
    problems.boolean(options, "empty-data-set", f"{prefix}.empty-data-set")


def _mappings(problems: Problems, options: Mapping[str, Any], prefix: str) -> None:
    if "mappings" not in options:
        return
    mappings = options["mappings"]
    if not isinstance(mappings, Mapping):
        problems.add(f"{prefix}.mappings",
                     f"expected an object of field names, got {mappings!r:.40}")
        return
    bad = [(k, v) for k, v in mappings.items() if not isinstance(v, str) or not v]
    if bad:
        key, value = bad[0]
        problems.add(f"{prefix}.mappings", f"the new name of {key!r} must be a non-empty "
                                           f"string, got {value!r:.40}")


def _id_mapping(problems: Problems, options: Mapping[str, Any], prefix: str) -> None:
    if "idMapping" not in options or options["idMapping"] is None:
        return
    value = options["idMapping"]
    keys = [value] if isinstance(value, str) else value
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k for k in keys):
        problems.add(f"{prefix}.idMapping",
                     f"expected a key or a non-empty list of keys, got {value!r:.40}")


def _plugins(problems: Problems, options: Mapping[str, Any], prefix: str) -> None:
    """Each plugin string parsed with the plugin loader (nothing evaluated or run)."""
    if "plugins" not in options or options["plugins"] is None:
        return
    plugins = options["plugins"]
    label = f"{prefix}.plugins"
    if not isinstance(plugins, list) or not all(isinstance(p, str) for p in plugins):
        problems.add(label, f"expected a list of plugin strings, got {plugins!r:.60}")
        return
    if not plugins:
        return
    from performanceplatform.utils.plugins import DepartmentTable, load_plugin

    departments = DepartmentTable.for_options(options)
    for text in plugins:
        try:
            load_plugin(text, departments)
        except ConfigError as exc:
            problems.add(label, _plain(exc))
    if not plugins[-1].startswith("ComputeIdFrom"):
        problems.add(label, "the last plugin must be ComputeIdFrom(...), got "
                            f"{plugins[-1]!r:.60}")


def _plain(exc: ConfigError) -> str:
    """The message of a plugin error without its ``<where>: key '<key>': `` prefix."""
    text = " ".join(str(exc).split())
    for prefix in (f"{exc.where}: " if exc.where else None,
                   f"key '{exc.key}': " if exc.key else None):
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
    return text


__all__ = ["RECORD_OPTION_KEYS", "check_record_options"]
