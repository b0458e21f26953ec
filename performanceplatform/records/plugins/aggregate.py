"""``AggregateKey``: merge records that agree on every field but the aggregated ones.

    AggregateKey(aggregate_count('sessions'), aggregate_rate('bounceRate', 'sessions'))

Group fields are all the fields of the *first* record except the aggregated ones, so
``_id``/``humanId`` must be removed first (``RemoveKey('_id', 'humanId')``) or nothing
merges. Groups come out sorted by their field values; the values are compared field by
field in the order of a Python 2 ``set`` of the field names (emulated), as the original
did, so that a ``ComputeRank`` after it numbers the groups the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from performanceplatform.utils.data_parser import Document
from performanceplatform.utils.plugins.errors import PluginError, PluginKeyError
from performanceplatform.utils.py2compat import Py2Table, py2_order, py2_sort_key

Aggregation = tuple[str, Callable[[Sequence[Document]], Any]]


def aggregate_count(field: str) -> Aggregation:
    """The sum of ``field`` over a group."""

    def total(documents: Sequence[Document]) -> Any:
        return sum(doc[field] for doc in documents)

    return field, total


def aggregate_rate(rate: str, count: str) -> Aggregation:
    """The ``count``-weighted mean of ``rate`` over a group (a zero total count raises
    ZeroDivisionError)."""

    def weighted(documents: Sequence[Document]) -> Any:
        total = sum(doc[count] for doc in documents)
        return sum(doc[rate] * doc[count] for doc in documents) / total

    return rate, weighted


def make_aggregate(documents: Sequence[Document], aggregations: Sequence[Aggregation]) -> Document:
    """A copy of the group's first record with each aggregated field recomputed."""
    result = dict(documents[0])
    for field, function in aggregations:
        result[field] = function(documents)
    return result


class AggregateKey:
    """``AggregateKey(aggregate_count(...), aggregate_rate(...), ...)``."""

    def __init__(self, *aggregations: Aggregation):
        for aggregation in aggregations:
            if not (isinstance(aggregation, tuple) and len(aggregation) == 2
                    and callable(aggregation[1])):
                raise PluginError(
                    "AggregateKey takes aggregate_count(...) / aggregate_rate(...) arguments, "
                    f"not {aggregation!r}"
                )
        self.aggregations = aggregations

    def __call__(self, documents: list[Document]) -> list[Document]:
        if not documents:
            return []  # the original raised IndexError on an empty run
        fields = group_fields(documents[0], [field for field, _ in self.aggregations])

        def group_key(doc: Document) -> tuple:
            missing = [field for field in fields if field not in doc]
            if missing:
                raise PluginKeyError(
                    f"AggregateKey: a record lacks field {missing[0]!r} of the first record"
                )
            return tuple(doc[field] for field in fields)

        ordered = sorted(documents, key=lambda doc: py2_sort_key(group_key(doc)))
        return [
            make_aggregate(list(group), self.aggregations)
            for _, group in groupby(ordered, key=group_key)
        ]


def group_fields(first: Document, aggregated: Sequence[str]) -> list[str]:
    """``set(first) - set(aggregated)`` in Python 2 iteration order.

    ``first``'s own key order is taken as the order its keys were inserted.
    """
    source = Py2Table()
    source.merge(py2_order(first))  # set(a_dict): sized once, then filled
    excluded = set(aggregated)
    result = Py2Table()
    for field in source:
        if field not in excluded:
            result.add(field)
    return list(result)
