"""Moved to ``performanceplatform.google``: this old import path stays for third-party
collectors (its modules are the new modules)."""
