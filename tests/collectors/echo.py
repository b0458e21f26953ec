"""A collector for the core's tests: writes the records its query lists.

``query.records`` are posted through ``Pusher`` (so ``chunk-size`` and ``empty-data-set``
apply); ``query.repeat`` multiplies them, each copy with its own ``_id``.
"""

from __future__ import annotations

from performanceplatform.sinks.pusher import Pusher


def main(credentials, data_set_config, query, options, start_at, end_at):
    records = []
    for copy in range(query.get("repeat", 1)):
        for record in query.get("records", []):
            record = dict(record)
            if "_id" in record and copy:
                record["_id"] = f"{record['_id']}-{copy}"
            records.append(record)
    Pusher(data_set_config, options).push(records)
