"""Collectors of the GOV.UK content dashboards."""
