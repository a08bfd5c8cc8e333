"""The survey kinds (csperf.surveys.scoring.KINDS) in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

KIND_LABELS: dict[str, Any] = {
    "dealer": _("Dealer CS index"),
    "csat": _("Satisfaction (1–5)"),
    "nps": _("Net promoter score (0–10)"),
    "callback": _("Callback survey"),
    "collaboration": _("Collaboration survey"),
}


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind
