"""What "the same Backdrop requests" means with several POSTs in flight, as assertions.

A run with ``N`` POSTs in flight (``client.in_flight``) sends the requests of a sequential
run, started in the same order; Backdrop may get them in another order, but when it gets a
request, at most ``N - 1`` earlier ones are still to come (they were in flight with it), and
two requests sharing an ``_id`` never overtake each other. What Backdrop holds is then the
same: each ``_id`` with the same record.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from typing import Any


def assert_sent_in_flight(sequential: Sequence[Hashable], concurrent: Sequence[Hashable],
                          window: int, ids: Sequence[frozenset] | None = None) -> None:
    """``concurrent`` holds exactly the requests of ``sequential``, each no earlier than the
    window of ``window`` requests in flight allows (and, given each sequential request's
    ``ids``, no request before an earlier one that shares an ``_id``)."""
    assert sorted(map(repr, concurrent)) == sorted(map(repr, sequential)), \
        "not the same requests"
    claimed: list[int] = []
    for position, request in enumerate(concurrent):
        index = next(i for i, r in enumerate(sequential) if r == request and i not in claimed)
        claimed.append(index)
        earlier = [i + 1 for i in range(index) if i not in claimed]
        assert len(earlier) < window, (
            f"request {index + 1} of the sequential run came {position + 1}th, before requests "
            f"{earlier} were answered: more than {window} in flight (order: "
            f"{[i + 1 for i in claimed]} of {len(sequential)})")
        if ids is not None:
            for earlier in range(index):
                if earlier not in claimed and ids[earlier] & ids[index]:
                    raise AssertionError(f"request {index + 1} overtook request {earlier + 1}, "
                                         "which shares an _id with it")


def by_id(records: Sequence[dict[str, Any]]) -> dict[str, str]:
    """What a data set holds, ``_id`` → the record (canonical JSON), whatever its order."""
    held = {record["_id"]: json.dumps(record, sort_keys=True) for record in records}
    assert len(held) == len(records), "records without an _id, or with the same _id twice"
    return held
