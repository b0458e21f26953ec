"""Data-quality notes on GA4 answers, each logged once per run (they are not errors).

- ``metadata.subjectToThresholding``: rows with few users may be withheld;
- ``metadata.dataLossFromOtherRow`` or a row valued ``(other)``: some dimension combinations
  were folded into one ``(other)`` row (high cardinality);
- a ``(not set)`` dimension value: Google had no value for it;
- ``metadata.samplingMetadatas``: the answer was computed from a sample.

(``ResponseMetaData`` reference and "About the (other) row":
https://developers.google.com/analytics/devguides/reporting/data/v1/rest/v1beta/ResponseMetaData.)
The rows are written as Google gave them; the note says what they mean.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)

OTHER = "(other)"
NOT_SET = "(not set)"


class DataQualityNotes:
    """Remembers which notes this run has logged."""

    def __init__(self) -> None:
        self.logged: set[str] = set()

    def _once(self, key: str, message: str, *args: Any) -> None:
        if key not in self.logged:
            self.logged.add(key)
            log.warning("ga4 data-quality note (logged once per run): " + message, *args)

    def check(self, answer: Mapping[str, Any], describe: str) -> None:
        meta = answer.get("metadata") if isinstance(answer.get("metadata"), dict) else {}
        if meta.get("subjectToThresholding"):
            self._once("thresholding", "%s is subject to thresholding: rows with few users "
                       "may be withheld", describe)
        if meta.get("dataLossFromOtherRow"):
            self._once("other", "%s folded some rows into an '(other)' row", describe)
        for sample in meta.get("samplingMetadatas") or []:
            if isinstance(sample, dict):
                self._once("sampled", "%s is sampled (%s of %s events read)", describe,
                           sample.get("samplesReadCount"), sample.get("samplingSpaceSize"))
        self._check_rows(answer, describe)

    def _check_rows(self, answer: Mapping[str, Any], describe: str) -> None:
        names = [h.get("name") for h in answer.get("dimensionHeaders") or []
                 if isinstance(h, dict)]
        for row in answer.get("rows") or []:
            values = [v.get("value") for v in row.get("dimensionValues") or []
                      if isinstance(v, dict)]
            for name, value in zip(names, values, strict=False):
                if value == OTHER:
                    self._once("other", "%s has an '(other)' row: some dimension "
                               "combinations were folded into it (%s)", describe, name)
                elif value == NOT_SET:
                    self._once(f"not set {name}", "%s has rows whose %s is '(not set)'",
                               describe, name)
