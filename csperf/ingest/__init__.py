"""csperf.ingest — record import into the records store (DuckDB by default, any Ibis backend).

    from csperf.ingest import open_store, import_file, ImportFailed

    store = open_store("csperf-data")            # or records_url="postgres://…"
    import_file("employees", "roster.xlsx", store=store)
    import_file("calls", "cdr.csv", store=store, mapping={"通话流水": "call_id"})

See docs/records.md for the record types and their columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csperf.kernel.lazy import lazy_getattr

if TYPE_CHECKING:
    from csperf.ingest.importer import (
        ImportFailed,
        ImportResult,
        Problem,
        import_file,
        write_typed,
    )
    from csperf.ingest.schema import IMPORT_TYPES, RECORD_TYPES
    from csperf.ingest.store import Store, StoreError, open_store

# Loaded on first use: reading indicators (csperf.metrics, `csperf indicators`) imports
# csperf.ingest.schema, and must not pay for the file readers of the importer each start-up.
_LAZY = {
    "ImportFailed": "importer",
    "ImportResult": "importer",
    "Problem": "importer",
    "import_file": "importer",
    "write_typed": "importer",
    "IMPORT_TYPES": "schema",
    "RECORD_TYPES": "schema",
    "Store": "store",
    "StoreError": "store",
    "open_store": "store",
}

__getattr__ = lazy_getattr(__name__, _LAZY)


__all__ = [
    "IMPORT_TYPES",
    "RECORD_TYPES",
    "ImportFailed",
    "ImportResult",
    "Problem",
    "Store",
    "StoreError",
    "import_file",
    "open_store",
    "write_typed",
]
