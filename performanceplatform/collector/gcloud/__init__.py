"""``performanceplatform.collector.gcloud``: G-Cloud spend by month, lot, sector and size.

Reads the spend CSV (see ``client``), aggregates it (``aggregate``) and replaces the data set's
contents with the result: everything is downloaded and computed before the data set is
emptied, so a failed download or a bad CSV leaves it as it was.
"""

from __future__ import annotations

QUERY_KEYS = frozenset({"csv_file", "csv_url", "index_url"})


def main(credentials, data_set_config, query, options, start_at, end_at, filename=None):
    """Replace the data set's records with the aggregates of the current spend CSV.

    Credentials and dates are not used; ``filename`` (for manual runs) reads a local CSV.
    """
    from performanceplatform.collector.gcloud.collect import Spend
    from performanceplatform.pipeline.runner import run

    run(Spend(data_set_config["data-type"], filename), credentials, data_set_config, query,
        options, start_at, end_at)
