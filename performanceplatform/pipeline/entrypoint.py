"""``entrypoint``: the ``main`` of a collector's module, which runs its collector class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from performanceplatform.pipeline.runner import run


def entrypoint(owner: str, target: str) -> Callable[..., None]:
    """The ``main(credentials, data_set_config, query, options, start_at, end_at)`` of the
    entrypoint module ``owner``: it runs the collector class ``target``
    (``"package.module:Class"``, imported when it runs) through the pipeline::

        main = entrypoint(__name__, "performanceplatform.collector.ga4.collect:Reports")
    """
    module_name, _, class_name = target.partition(":")

    def main(credentials: Any, data_set_config: dict[str, Any], query: Any, options: Any,
             start_at: Any, end_at: Any) -> None:
        import importlib

        collector = getattr(importlib.import_module(module_name), class_name)
        run(collector(data_set_config["data-type"]), credentials, data_set_config, query,
            options, start_at, end_at)

    main.__module__ = owner
    main.__doc__ = f"Run ``{class_name}`` through the pipeline (``{module_name}``)."
    return main
