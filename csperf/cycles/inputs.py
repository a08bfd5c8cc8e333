"""Where the values a card reads come from.

The provider named by ``settings.CSPERF_INPUT_PROVIDER`` returns, for the employees of one template
in one cycle, ``{employee code: {"values": {...}, "targets": {...}, "days_worked": ..., ...}}``.
The default asks the indicator engine (csperf.metrics) and then lays the values entered by hand
(:class:`InputValue`) over them; ``manual_provider`` uses only the hand-entered values.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from csperf.core.errors import ActionError
from csperf.cycles.models import Cycle, InputValue, ScorecardTemplate

Inputs = dict[str, dict[str, Any]]


def manual_values(cycle: Cycle, codes: list[str]) -> Inputs:
    out: Inputs = {code: {"values": {}} for code in codes}
    for code, name, value in InputValue.objects.filter(
        cycle=cycle, employee__code__in=codes
    ).values_list("employee__code", "name", "value"):
        out[code]["values"][name] = value
    return out


def manual_provider(cycle: Cycle, template: ScorecardTemplate, codes: list[str]) -> Inputs:
    return manual_values(cycle, codes)


def metrics_provider(cycle: Cycle, template: ScorecardTemplate, codes: list[str]) -> Inputs:
    try:
        from csperf.metrics.scorecard import build_score_input
    except ImportError as exc:
        raise ActionError(
            _("The indicator engine is not available: %(err)s") % {"err": exc}
        ) from None
    parsed = template.parsed
    try:
        data = build_score_input(
            parsed.value_names(),
            cycle.period,
            period_start_day=parsed.period_start_day or 1,
            employees=codes,
            data_dir=settings.DATA_DIR,
            # someone added in the app but not (yet) in the imported roster keeps a card filled
            # from the values entered by hand, instead of failing the whole template group
            skip_unknown=True,
        )
    except Exception as exc:  # the engine's own errors name the record or indicator at fault
        raise ActionError(_("Computing the indicators failed: %(err)s") % {"err": exc}) from None
    out: Inputs = {}
    for emp in data.get("employees", []):
        code = str(emp.get("id"))
        out[code] = {k: v for k, v in emp.items() if k not in ("id", "name", "team", "department")}
    manual = manual_values(cycle, codes)
    for code, entry in manual.items():
        out.setdefault(code, {"values": {}}).setdefault("values", {}).update(entry["values"])
    return out


def collect(cycle: Cycle, template: ScorecardTemplate, codes: list[str]) -> Inputs:
    provider = import_string(settings.CSPERF_INPUT_PROVIDER)
    return provider(cycle, template, codes)
