"""Every record type has a name and a "one row is" in both languages on the import page, and
every column kind a description in the blank template (issue 16 item 2)."""

from __future__ import annotations

import re

from django.utils import translation

from csperf.ingest.schema import RECORD_TYPES
from csperf.records_ui.labels import (
    COLUMN_DOCS,
    COLUMN_KIND_LABELS,
    RECORD_TYPE_LABELS,
    one_row_is,
    record_type_label,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_record_type_and_column_is_labelled():
    assert set(RECORD_TYPE_LABELS) == set(RECORD_TYPES)
    columns = [c for rt in RECORD_TYPES.values() for c in rt.columns]
    assert {c.kind for c in columns} <= set(COLUMN_KIND_LABELS)
    english_docs = {c.doc for c in columns if c.doc and not CJK.search(c.doc)}
    assert english_docs <= set(COLUMN_DOCS)


def test_labels_follow_the_language():
    calls = RECORD_TYPES["calls"]
    with translation.override("zh-hans"):
        assert record_type_label(calls) == calls.label_zh
        for rt in RECORD_TYPES.values():
            assert CJK.search(one_row_is(rt)), rt.name
    with translation.override("en"):
        assert record_type_label(calls) == "Call records"
        assert one_row_is(calls) == calls.one_row_is
