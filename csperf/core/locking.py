"""The one way a step locks the row it changes: re-read under ``select_for_update``.

Every action checks the move against the row as it is *now*, under its lock, so two people
pressing the same button at once cannot both pass the check. ``of=("self",)`` locks only the
row itself, never the rows ``select_related`` joins in (a card's employee, a plan's card).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


def lock(obj: M, *, related: tuple[str, ...] = ()) -> M:
    """``obj`` re-read under a row lock; call inside ``transaction.atomic()``."""
    qs = type(obj)._default_manager.select_for_update(of=("self",))
    if related:
        qs = qs.select_related(*related)
    return qs.get(pk=obj.pk)


@contextmanager
def locked(obj: M, *, related: tuple[str, ...] = ()) -> Iterator[M]:
    """``obj`` re-read under a row lock inside a transaction; ``obj`` itself is refreshed
    afterwards so the caller sees what was saved."""
    with transaction.atomic():
        yield lock(obj, related=related)
    obj.refresh_from_db()
