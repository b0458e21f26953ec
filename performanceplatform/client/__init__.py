"""Clients of the Performance Platform's APIs: Backdrop data sets and Stagecraft; a data set in
a local store (``StoreDataSet``, see ``performanceplatform.sinks``)."""

from performanceplatform.client.base import ChunkingError, JsonEncoder
from performanceplatform.client.collector import CollectorAPI
from performanceplatform.client.data_set import DataSet

__all__ = ["ChunkingError", "CollectorAPI", "DataSet", "JsonEncoder"]
