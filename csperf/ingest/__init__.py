"""csperf.ingest — record import into the records store (DuckDB by default, any Ibis backend).

    from csperf.ingest import open_store, import_file, ImportFailed

    store = open_store("csperf-data")            # or records_url="postgres://…"
    import_file("employees", "roster.xlsx", store=store)
    import_file("calls", "cdr.csv", store=store, mapping={"通话流水": "call_id"})

See docs/records.md for the record types and their columns.
"""

from csperf.ingest.importer import ImportFailed, ImportResult, Problem, import_file, write_typed
from csperf.ingest.schema import IMPORT_TYPES, RECORD_TYPES
from csperf.ingest.store import Store, StoreError, open_store

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
