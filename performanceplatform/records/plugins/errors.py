"""Errors of the plugin pipeline.

Each is a :class:`~performanceplatform.utils.errors.ConfigError` (so the CLI reports it as
one line naming ``options.plugins``) and also the built-in exception the original raised in
the same situation (KeyError, AssertionError, RuntimeError), for callers that catch those.
"""

from __future__ import annotations

from performanceplatform.utils.errors import ConfigError

WHERE = "options.plugins"


class PluginError(ConfigError):
    """A plugin string is malformed, unknown, or cannot run on the records."""

    def __init__(self, message: str, where: str | None = WHERE):
        super().__init__(message, where=where)

    def __str__(self) -> str:  # plain text even when mixed with KeyError (which quotes)
        return " ".join(Exception.__str__(self).split("\n"))


class PluginKeyError(PluginError, KeyError):
    """A record lacks a field a plugin names."""


class PluginAssertionError(PluginError, AssertionError):
    """A record's value is not what the plugin expects (e.g. no ``<code>``)."""


class PluginOrderError(PluginError, RuntimeError):
    """The pipeline does not end with ``ComputeIdFrom``."""
