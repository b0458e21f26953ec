"""Record storage with Backdrop's write semantics (validation, upsert by ``_id``).

The sandbox's Backdrop double stores through this package; later sinks (an embedded SQLite
store, PostgreSQL) are meant to share it.
"""

from performanceplatform.store.sqlite import SQLiteStore
from performanceplatform.store.validation import validate_records

__all__ = ["SQLiteStore", "validate_records"]
