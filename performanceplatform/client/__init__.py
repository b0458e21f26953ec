"""Clients of the Performance Platform's APIs: Backdrop data sets and Stagecraft."""

from performanceplatform.client.base import ChunkingError, JsonEncoder
from performanceplatform.client.collector import CollectorAPI
from performanceplatform.client.data_set import DataSet

__all__ = ["ChunkingError", "CollectorAPI", "DataSet", "JsonEncoder"]
