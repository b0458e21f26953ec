"""Clients of the Performance Platform's APIs: Backdrop data sets and Stagecraft (and
``stagecraft``: a collector config fetched by slug). Which store a run writes to is chosen
above this layer, in ``performanceplatform.sinks.data_set_for``."""

from performanceplatform.client.base import ChunkingError, JsonEncoder
from performanceplatform.client.collector import CollectorAPI
from performanceplatform.client.data_set import DataSet

__all__ = ["ChunkingError", "CollectorAPI", "DataSet", "JsonEncoder"]
