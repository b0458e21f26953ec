"""The periods of a run as units of work (``records.periods.period_range``)."""

from __future__ import annotations

from typing import Any

from performanceplatform.pipeline.collector import Unit
from performanceplatform.utils.errors import ConfigError


def period_units(start_at: Any, end_at: Any, frequency: str) -> list[Unit]:
    """One unit per period covering ``start_at``..``end_at`` (the current period when both
    are ``None``); half-given or backwards dates are a ``ConfigError``."""
    from performanceplatform.records.periods import period_range

    try:
        return [Unit.period(start, end) for start, end in period_range(start_at, end_at,
                                                                        frequency)]
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{exc} (give both --start and --end, or neither)",
                          where="--start/--end")
