"""Field types shared by the API's schemas, so that ``/api/openapi.json`` says what the
validation behind each operation accepts (issue 14.11): database ids fit a 64-bit integer,
periods are the labels ``Period.parse`` reads, codes and texts have the lengths the tables keep.
They live below the apps so that each app's ``api.py`` uses them without importing ``csperf.api``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from csperf.kernel.periods import PERIOD_PATTERN

# A row id: BigAutoField, 1 .. 2**63-1 (a larger number would overflow the database driver).
ID_MAX = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=ID_MAX)]

# A period label: 2026-03 (month), 2026-Q1, 2026-H2 or 2026; years 1900–2999.
PeriodLabel = Annotated[str, Field(pattern=PERIOD_PATTERN, examples=["2026-03"])]

# Codes (of items, departments, forms …) are kept in CharField(max_length=80).
Code = Annotated[str, Field(min_length=1, max_length=80)]

# Free text written to a history or a record (reasons, comments).
TEXT_MAX = 4000
Text = Annotated[str, Field(max_length=TEXT_MAX)]

# Text that must say something: a character no whitespace test strips (Python's ``str.strip``
# also strips \x1c–\x1f and \x85, a JSON-schema ``\s`` also matches \ufeff).
NONBLANK = r"[^\s\x1c-\x1f\x85\ufeff]"
