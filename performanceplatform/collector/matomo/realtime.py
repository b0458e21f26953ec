"""Matomo visitors right now: ``performanceplatform.collector.piwik.realtime`` renamed."""

from performanceplatform.collector.piwik.realtime import main

__all__ = ["main"]
