"""Stagecraft's collector API (spec core.md §2.9)."""

from __future__ import annotations

from typing import Any

from performanceplatform.client.base import BaseClient


class CollectorAPI(BaseClient):
    should_gzip = False
    url_setting = "stagecraft_url"

    def get_collector(self, slug: str) -> Any:
        return self._get(f"/collector/{slug}")

    def list_collectors(self) -> Any:
        return self._get("/collector")

    def get_collector_type(self, collector_type: str) -> Any:
        return self._get(f"/collector-type/{collector_type}")

    def list_collector_types(self) -> Any:
        return self._get("/collector-type")
