"""The scorecard engine: templates in, scored cards out (pure Python, Decimal, no I/O).

Implements ``scorecard-format.md`` (contract v1)::

    template = load_template(text, source="card.yaml")
    run = score(template, {"period": "2026-03", "employees": [...]})
    run.to_dict()  # the contract's JSON output
"""

from csperf.kernel.periods import Period
from csperf.scoring.describe import describe_rule
from csperf.scoring.engine import (
    EmployeeResult,
    ItemResult,
    ScoreRun,
    SectionResult,
    score,
)
from csperf.scoring.errors import InputError, Problem, ScoringError, TemplateError
from csperf.scoring.inputs import load_input, read_input
from csperf.scoring.model import Item, Section, Template
from csperf.scoring.validate import load_template, template_from_data

__all__ = [
    "EmployeeResult",
    "InputError",
    "Item",
    "ItemResult",
    "Period",
    "Problem",
    "ScoreRun",
    "ScoringError",
    "Section",
    "SectionResult",
    "Template",
    "TemplateError",
    "describe_rule",
    "load_input",
    "load_template",
    "read_input",
    "score",
    "template_from_data",
]
