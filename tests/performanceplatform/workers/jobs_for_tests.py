"""Stagecraft collectors and jobs that the Celery tests run against the sandbox (Matomo)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MATOMO_TOKEN = "matomo-token-for-workers-0123"
DATES = {"start": "2018-08-01", "end": "2018-08-03"}  # three days: three periods


def stagecraft_collector(slug: str, data_type: str) -> dict[str, Any]:
    """A Matomo core collector as Stagecraft describes it, writing to ``site/<data_type>``."""
    return {
        "id": slug, "slug": slug, "name": slug,
        "entry_point": "performanceplatform.collector.piwik.core",
        "query": {"site_id": "3", "api_method": "DevicesDetection.getBrowsers",
                  "frequency": "daily"},
        "options": {"mappings": {"label": "browser", "nb_visits": "sessions"},
                    "idMapping": ["dataType", "_timestamp", "timeSpan", "browser"]},
        "type": {"slug": "piwik-core"}, "data_source": {"slug": "matomo"},
        "provider": {"slug": "piwik"},
        "data_set": {"data_group": "site", "data_type": data_type,
                     "bearer_token": "not-the-write-token"},
    }


def matomo_credentials(workdir: Path, sandbox_url: str) -> str:
    path = workdir / "config" / "matomo.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "token_auth": MATOMO_TOKEN,
        "url": f"{sandbox_url}/matomo.example.service.gov.uk/index.php"}))
    return str(path)


def register_collectors(sandbox_config, count: int, prefix: str = "site") -> list[str]:
    """``count`` Stagecraft collectors ``<prefix>-0 ...``, each its own data set."""
    slugs = []
    for number in range(count):
        slug = f"{prefix}-{number}"
        sandbox_config.collectors[slug] = stagecraft_collector(slug, f"browsers-{number}")
        slugs.append(slug)
    return slugs


def job(slug: str, credentials: str, files: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"slug": slug, "credentials": credentials, **files, **DATES, **extra}
