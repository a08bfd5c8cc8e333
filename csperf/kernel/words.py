"""The yes/no words a person may write in an answer, an import file or a record field.

Compared after ``strip().lower()``. Blank is neither: each caller decides what an empty cell
means (a QC fatal box left empty is "no"; an import cell left empty is missing).
"""

from __future__ import annotations

YES_WORDS: frozenset[str] = frozenset(
    {"1", "true", "t", "yes", "y", "on", "是", "对", "有", "√", "x"}
)
NO_WORDS: frozenset[str] = frozenset({"0", "false", "f", "no", "n", "off", "否", "无", "×"})


def yes_no(value: object) -> bool | None:
    """True for a yes word or ``True``, False for a no word or ``False``, None otherwise."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if value is not None else ""
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


__all__ = ["NO_WORDS", "YES_WORDS", "yes_no"]
