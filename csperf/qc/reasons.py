"""Why an interaction was sampled, in the reader's language.

The sampler stores its reason as a short code (``csperf.qc.sampling``): ``random``,
``rule:<label>``, ``rule:<label>:<attribute>=<value>``, ``stratum:<attribute>=<value>``, and the
actions add ``recheck`` and ``calibration``. The label and the value are the plan's own words.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PLAIN: dict[str, Any] = {
    "random": gettext_lazy("random draw"),
    "recheck": gettext_lazy("recheck"),
    "calibration": gettext_lazy("calibration"),
}
ATTRIBUTES: dict[str, Any] = {
    "queue": gettext_lazy("queue"),
    "channel": gettext_lazy("channel"),
    "rated": gettext_lazy("rated by the customer"),
}


def _stratum(text: str) -> str:
    """``queue=vip`` -> "技能组 vip"; an attribute the plan names itself stays as written."""
    name, _eq, value = text.partition("=")
    return f"{ATTRIBUTES.get(name, name)} {value}".strip()


def pick_reason_words(reason: str) -> str:
    if reason in PLAIN:
        return str(PLAIN[reason])
    head, _colon, rest = reason.partition(":")
    if head == "rule" and rest:
        label, _colon, stratum = rest.partition(":")
        if stratum:
            return _("rule “%(label)s”, %(stratum)s") % {
                "label": label,
                "stratum": _stratum(stratum),
            }
        return _("rule “%(label)s”") % {"label": label}
    if head == "stratum" and rest:
        return _("random draw, %(stratum)s") % {"stratum": _stratum(rest)}
    return reason
