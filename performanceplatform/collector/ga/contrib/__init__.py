"""Collectors built on the GA core for particular dashboards."""
