"""Matomo periodic reports: ``performanceplatform.collector.piwik.core`` under its new name."""

from performanceplatform.collector.piwik.core import main

__all__ = ["main"]
