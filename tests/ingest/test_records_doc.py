"""docs/records.md describes every record type and column exactly as the schema defines them."""

from pathlib import Path

from csperf.ingest.doc import records_markdown


def test_the_record_tables_are_the_schemas():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "records.md").read_text("utf-8")
    assert records_markdown() in doc, "regenerate: python -m csperf.ingest.doc"
