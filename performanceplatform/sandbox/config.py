"""The sandbox's configuration: data sets and their tokens, Stagecraft's collectors.

A sandbox config file is a JSON object::

    {
      "port": 8080,
      "database": ":memory:",
      "omniscient_token": "sandbox-omniscient-token",
      "data_sets": [
        {"data_group": "govuk", "data_type": "monitoring", "bearer_token": "govuk-token"}
      ],
      "auto_data_sets": false,
      "auto_token": "sandbox-token",
      "collectors_dir": "collectors/",
      "services": {"google": {"rows_per_day": 10}}
    }

``auto_data_sets`` makes any ``/data/<group>/<type>`` exist, with ``auto_token`` as its
token. ``collectors_dir`` holds Stagecraft collector configs, one ``<slug>.json`` each, in
the shape Stagecraft answers. ``services`` passes per-service settings to the simulated
source APIs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from performanceplatform.store.records import data_set_name


@dataclass
class DataSetConfig:
    data_group: str
    data_type: str
    bearer_token: str | None
    queryable: bool = True
    raw_queries_allowed: bool = True

    @property
    def name(self) -> str:
        return data_set_name(self.data_group, self.data_type)


@dataclass
class SandboxConfig:
    port: int = 0
    host: str = "127.0.0.1"
    database: str = ":memory:"
    omniscient_token: str = "sandbox-omniscient-token"
    data_sets: list[DataSetConfig] = field(default_factory=list)
    auto_data_sets: bool = False
    auto_token: str = "sandbox-token"
    collectors_dir: str | None = None
    collectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    seed: int = 0

    @classmethod
    def from_file(cls, path: str | Path) -> SandboxConfig:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: a sandbox config must be a JSON object")
        config = cls.from_dict(raw)
        if config.collectors_dir and not Path(config.collectors_dir).is_absolute():
            config.collectors_dir = str(Path(path).parent / config.collectors_dir)
        return config

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SandboxConfig:
        raw = dict(raw)
        raw["data_sets"] = [DataSetConfig(**d) for d in raw.get("data_sets", [])]
        known = cls.__dataclass_fields__
        unknown = set(raw) - set(known)
        if unknown:
            raise ValueError(f"unknown sandbox config keys: {sorted(unknown)}")
        return cls(**raw)

    def find_data_set(self, group: str, type_: str) -> DataSetConfig | None:
        for data_set in self.data_sets:
            if (data_set.data_group, data_set.data_type) == (group, type_):
                return data_set
        if self.auto_data_sets:
            return DataSetConfig(group, type_, self.auto_token)
        return None
