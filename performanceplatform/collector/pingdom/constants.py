"""Pingdom constants that the package (``main``, read by ``pp-collector collectors``) and
``collect`` both need, here so that neither imports the other."""

from __future__ import annotations

QUERY_KEYS = frozenset({"name"})
RETIRED_CREDENTIALS = ("Pingdom retired API 2.0 at the end of 2020; replace user, password and "
                       "app_key by an API 3.1 token: {\"token\": \"...\"} "
                       "(collector/pingdom/README.rst)")
