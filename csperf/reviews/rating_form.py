"""The rating form, read in one place: the card page's and the team board's rows.

The card page posts every item of the rater's column (:func:`posted_entries`); the board's
rate-in-place row saves only what the rater changed (:func:`read_rating_form`).

On the board each rated item posts ``value:<item>`` and ``comment:<item>``, and the row also carries what it
showed (``shown:<item>``, ``shown_comment:<item>``). A field posted as it was shown keeps the
stored value, whatever the form displayed; a blank clears a stored value only when the form had
shown a value there (the rater chose “—”). A blank the rater did not choose — an old page, a
client that sends no ``shown:`` fields — never clears anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput

VALUE, COMMENT = "value:", "comment:"
SHOWN, SHOWN_COMMENT = "shown:", "shown_comment:"


def as_text(value: Any) -> str:
    """A stored value as the form shows it: ``4`` for 4.0000, ``8.5`` for 8.5000, '' for none."""
    if value is None:
        return ""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return str(value).strip()
    if not number.is_finite():
        return str(value).strip()
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


@dataclass
class RatingForm:
    # For ``reviews.actions.save_ratings``: only the items whose value or comment changed.
    entries: list[dict[str, Any]] = field(default_factory=list)
    # Items whose stored value the rater cleared on purpose, with the value they had.
    cleared: dict[str, Any] = field(default_factory=dict)


def typed(post: Any) -> dict[str, dict[str, str | None]]:
    """What the form carries per item: the value and comment typed (None when not posted)."""
    out: dict[str, dict[str, str | None]] = {}
    for key in post:
        if key.startswith(VALUE):
            code = key[len(VALUE) :]
            out[code] = {
                "value": (post.get(key) or "").strip(),
                "comment": post.get(COMMENT + code),
                "shown": post.get(SHOWN + code),
                "shown_comment": post.get(SHOWN_COMMENT + code),
            }
    return out


def posted_entries(post: Any) -> list[dict[str, Any]]:
    """Every item the card page posted, as typed, for ``reviews.actions.save_ratings``."""
    entries = [
        {"item": code, "value": got["value"], "comment": got["comment"] or ""}
        for code, got in typed(post).items()
    ]
    if not entries:
        raise InvalidInput(_("Nothing to save."), field="ratings")
    return entries


def _value(got: dict[str, Any], stored: Any) -> tuple[Any, bool]:
    """The value to save and whether it is a deliberate clear."""
    raw, shown = got["value"], got["shown"]
    if shown is not None and as_text(raw) == as_text(shown):
        return stored, False  # left as shown: keep what is stored now
    if raw == "":
        chose_dash = bool((shown or "").strip())
        return (None, stored is not None) if chose_dash else (stored, False)
    return raw, False


def _comment(got: dict[str, Any], stored: str) -> str:
    raw, shown = got["comment"], got["shown_comment"]
    if raw is None:
        return stored
    raw = raw.strip()
    if shown is not None and raw == shown.strip():
        return stored
    if raw == "" and not (shown or "").strip():
        return stored  # a blank the rater did not make
    return raw


def read_rating_form(post: Any, stored: dict[str, Any]) -> RatingForm:
    """The entries to save from a posted row; ``stored`` maps item codes to the rater's Ratings.

    Values are checked by the action (``save_ratings``); this only decides what changed.
    """
    items = typed(post)
    if not items:
        raise InvalidInput(_("Nothing to save."), field="ratings")
    form = RatingForm()
    for code, got in items.items():
        rating = stored.get(code)
        old_value = rating.value if rating is not None else None
        old_comment = rating.comment if rating is not None else ""
        value, clear = _value(got, old_value)
        comment = _comment(got, old_comment)
        same_value = as_text(value) == as_text(old_value)
        if same_value and comment == old_comment:
            continue
        form.entries.append({"item": code, "value": value, "comment": comment})
        if clear:
            form.cleared[code] = old_value
    return form


def show_typed(post: Any, items: list[Any]) -> None:
    """After a refused save, show what the rater typed in the row's items (``RateItem``s) so
    they can correct it — except a blank they did not make, which shows the stored value again
    (posted back as it is, it must not turn into a clear)."""
    posted = typed(post)
    for it in items:
        got = posted.get(it.code)
        if got is None:
            continue
        if got["value"] != "" or (got["shown"] or "").strip():
            it.value = as_text(got["value"])
        comment = got["comment"]
        if comment is not None and (comment.strip() or (got["shown_comment"] or "").strip()):
            it.comment = comment
