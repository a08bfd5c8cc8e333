"""Per-type hooks: cells that SQL cannot type, computed in Python batch by batch.

A hook adds, for each field it computes, a text column ``__field`` (the value) and
``__err_field`` (the problem of the cell, or NULL); the typing SQL reads those instead of the
raw cell (:mod:`csperf.ingest.plan`). Surveys parse their answers, plans and values their period.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import pyarrow as pa

from csperf.ingest.schema import RecordType
from csperf.kernel.i18n import Message, gettext_noop
from csperf.kernel.periods import PeriodError, parse_period

LABEL_SCORES = {
    "很好": 100,
    "非常满意": 100,
    "满意": 100,
    "比较满意": 100,
    "一般": 75,
    "基本满意": 75,
    "不满意": 25,
    "投诉": 0,
}


def parse_answers(text: str) -> tuple[dict[str, Decimal], Decimal]:
    """`q1=很好;q2=75` or a JSON object -> ({question: score 0–100}, CS = Σ 25 × score/100)."""
    text = text.strip()
    items: list[tuple[str, object]]
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                Message(gettext_noop("not valid JSON: %(error)s"), {"error": exc.msg})
            ) from None
        if not isinstance(obj, dict):
            raise ValueError(Message(gettext_noop("must be an object of question -> answer")))
        items = list(obj.items())
    else:
        items = []
        for part in text.replace("；", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            sep = "=" if "=" in part else (":" if ":" in part else "：" if "：" in part else None)
            if sep is None:
                raise ValueError(
                    Message(gettext_noop("'%(part)s' is not question=answer"), {"part": part})
                )
            k, v = part.split(sep, 1)
            items.append((k.strip(), v.strip()))
    scores: dict[str, Decimal] = {}
    for k, v in items:
        if isinstance(v, str) and v.strip() in LABEL_SCORES:
            s = Decimal(LABEL_SCORES[v.strip()])
        else:
            try:
                s = Decimal(str(v).strip())
            except InvalidOperation:
                raise ValueError(
                    Message(
                        gettext_noop(
                            "answer %(question)s='%(answer)s' is neither a score 0–100 nor one"
                            " of %(labels)s"
                        ),
                        {"question": k, "answer": v, "labels": ", ".join(LABEL_SCORES)},
                    )
                ) from None
            if not Decimal(0) <= s <= Decimal(100):
                raise ValueError(
                    Message(
                        gettext_noop("answer %(question)s=%(answer)s is outside 0–100"),
                        {"question": k, "answer": v},
                    )
                )
        scores[str(k)] = s
    cs = sum((Decimal(25) * s / Decimal(100) for s in scores.values()), Decimal(0))
    return scores, cs


QUESTIONS = 6  # q1–q6 of a callback questionnaire are kept as columns


def numbered_answers(scores: dict[str, Decimal]) -> list[Decimal | None]:
    """q1…q6: by key (``q3``, ``Q3``, ``3``) when the answers are numbered, else in order."""
    numbered: dict[int, Decimal] = {}
    for key, value in scores.items():
        digits = key.strip().lower().removeprefix("q")
        if digits.isdigit():
            numbered[int(digits)] = value
    if len(numbered) != len(scores):  # named questions (整体满意度 …): their order is the number
        numbered = {i: v for i, v in enumerate(scores.values(), start=1)}
    return [numbered.get(i) for i in range(1, QUESTIONS + 1)]


def dealer_cs(answers: list[Decimal | None]) -> Decimal | None:
    """The dealer sales CS of one callback: Σ 25 × q_i/100 over questions 1–4 (0–100); a
    six-question survey never gives more than 100. None when a question 1–4 is unanswered."""
    first = answers[:4]
    known = [a for a in first if a is not None]
    if len(known) < len(first):
        return None
    return sum((Decimal(25) * a / Decimal(100) for a in known), Decimal(0))


def _hook_surveys(tbl: pa.Table, colmap: dict[str, int]) -> pa.Table:
    n = tbl.num_rows
    vals: list[str | None] = [None] * n
    cs: list[str | None] = [None] * n
    qs: list[list[str | None]] = [[None] * n for _ in range(QUESTIONS)]
    errs: list[str | None] = [None] * n
    if "answers" in colmap:
        for i, text in enumerate(tbl.column(f"c{colmap['answers']}").to_pylist()):
            if text is None or not text.strip():
                continue
            try:
                scores, _ = parse_answers(text)
            except ValueError as exc:
                errs[i] = stored_error(exc)
                continue
            vals[i] = json.dumps(
                {k: float(v) if v != v.to_integral() else int(v) for k, v in scores.items()},
                ensure_ascii=False,
            )
            answers = numbered_answers(scores)
            for q, a in enumerate(answers):
                qs[q][i] = None if a is None else str(a)
            score = dealer_cs(answers)
            cs[i] = None if score is None else str(score)
    none = pa.array([None] * n, pa.string())
    tbl = (
        tbl.append_column("__answers", pa.array(vals, pa.string()))
        .append_column("__err_answers", pa.array(errs, pa.string()))
        .append_column("__cs_score", pa.array(cs, pa.string()))
        .append_column("__err_cs_score", none)
    )
    for q in range(QUESTIONS):
        tbl = tbl.append_column(f"__q{q + 1}", pa.array(qs[q], pa.string()))
        tbl = tbl.append_column(f"__err_q{q + 1}", none)
    return tbl


def stored_error(exc: Exception) -> str:
    """A cell's problem as the hook's error column holds it: JSON of a Message's msgid and params
    (read back by csperf.ingest.plan.message_of), or the exception's text."""
    message = exc.args[0] if exc.args else None
    if isinstance(message, Message):
        return json.dumps({"msgid": message.msgid, "params": message.params}, ensure_ascii=False)
    return str(exc)


def _hook_plans(tbl: pa.Table, colmap: dict[str, int]) -> pa.Table:
    n = tbl.num_rows
    labels: list[str | None] = [None] * n
    starts: list[str | None] = [None] * n
    ends: list[str | None] = [None] * n
    errs: list[str | None] = [None] * n
    for i, text in enumerate(tbl.column(f"c{colmap['period']}").to_pylist()):
        if text is None or not text.strip():
            continue
        try:
            p = parse_period(text.strip(), 1)
        except PeriodError as exc:
            errs[i] = stored_error(exc)
            continue
        labels[i], starts[i], ends[i] = p.label, p.start.isoformat(), p.end.isoformat()
    none = pa.array([None] * n, pa.string())
    return (
        tbl.append_column("__period", pa.array(labels, pa.string()))
        .append_column("__err_period", pa.array(errs, pa.string()))
        .append_column("__period_start", pa.array(starts, pa.string()))
        .append_column("__err_period_start", none)
        .append_column("__period_end", pa.array(ends, pa.string()))
        .append_column("__err_period_end", none)
    )


# table -> field -> the hook computing it (the hook adds __field and __err_field columns)
HOOKS: dict[str, dict[str, Callable[[pa.Table, dict[str, int]], pa.Table]]] = {
    "surveys": {
        "answers": _hook_surveys,
        "cs_score": _hook_surveys,
        **{f"q{i}": _hook_surveys for i in range(1, QUESTIONS + 1)},
    },
    "plans": {"period": _hook_plans, "period_start": _hook_plans, "period_end": _hook_plans},
    "values": {"period": _hook_plans, "period_start": _hook_plans, "period_end": _hook_plans},
}


def apply_hooks(rt: RecordType, tbl: pa.Table, colmap: dict[str, int]) -> pa.Table:
    done = set()
    for hook in HOOKS.get(rt.name, {}).values():
        if hook not in done:
            tbl = hook(tbl, colmap)
            done.add(hook)
    return tbl
