"""Record storage with Backdrop's write semantics (validation, upsert by ``_id``).

The sandbox's Backdrop double and the local stores of ``performanceplatform.sinks`` share
it: ``validate_records`` is Backdrop's rules, ``SQLiteStore`` and ``PostgreSQLStore``
(``store.postgresql``, imported only when used: it needs psycopg) keep records the same way.
"""

from performanceplatform.store.records import data_set_name
from performanceplatform.store.sqlite import SQLiteStore
from performanceplatform.store.validation import validate_records

__all__ = ["SQLiteStore", "data_set_name", "validate_records"]
