"""``performanceplatform.collector.gcloud``: G-Cloud spend by month, lot, sector and size.

Reads the spend CSV (see ``client``), aggregates it (``aggregate``) and replaces the data set's
contents with the result: everything is downloaded and computed before the data set is
emptied, so a failed download or a bad CSV leaves it as it was.
"""

from __future__ import annotations

DEFAULT_CHUNK_SIZE = 2000
QUERY_KEYS = frozenset({"csv_file", "csv_url", "index_url"})


def main(credentials, data_set_config, query, options, start_at, end_at, filename=None):
    """Replace the data set's records with the aggregates of the current spend CSV.

    Credentials and dates are not used; ``filename`` (for manual runs) reads a local CSV.
    """
    import logging

    from performanceplatform.client import DataSet
    from performanceplatform.collector.gcloud.aggregate import aggregate
    from performanceplatform.collector.gcloud.client import check_query, fetch_csv
    from performanceplatform.collector.gcloud.records import decode, parse_sales
    from performanceplatform.utils.errors import SourceError

    query, options = query or {}, options or {}
    chunk_size = check_query(query, options)
    source, data = fetch_csv(query, filename)
    records = aggregate(parse_sales(decode(data, source), source))
    if not records:
        raise SourceError(f"gcloud: {source} has no sales rows; the data set was left as it was",
                          url=source)
    logging.getLogger(__name__).info("Publishing %d aggregate records", len(records))
    data_set = DataSet.from_config(data_set_config)
    data_set.empty_data_set()
    data_set.post(records, chunk_size=chunk_size)
