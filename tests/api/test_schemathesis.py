"""The JSON API under a property-based fuzzer (issue 14.11).

schemathesis reads ``/api/openapi.json`` from Django's WSGI application and generates requests
for every operation from its schema — valid ones (positive) and invalid ones (negative) — with a
fixed seed and a bounded number of examples per operation, as HR and as an agent of the
``world`` fixture (path ids are drawn both at random and from the world's real objects). Every
answer must be free of server errors and conform to the schema it declares.

(The loop over operations is ours rather than ``schema.parametrize()``: one ``world`` per persona
instead of one per operation keeps the file within its time budget.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = pytest.mark.django_db

# Examples per operation and generation mode: HR reaches every step, an agent mostly 403/404.
EXAMPLES = {
    "hr": {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 2},
    "agent": {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 1},
}
TIGHT_EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 4}

# The operations whose schemas issue 14.11 tightened to say what their validation accepts: a
# request the schema allows is refused (400/422) only for what a schema cannot know — a code or
# id that does not exist, an item the caller's stage does not rate, a value outside the item's
# domain, a file's contents — named by these fields of ``detail[].loc``.
TIGHT = {
    "GET /api/indicators/values": {"query.indicators"},  # a code the library lacks
    "POST /api/board/bulk": {"body.cards"},  # no such card
    "POST /api/imports": {"body.file", "body.encoding"},  # file name/size; unknown codec
    "POST /api/qc/plans": {"body.department", "body.form", "body.params"},
    "POST /api/surveys/{survey_id}/responses": None,  # 422 lists the file's problems
    "PUT /api/cards/{card_id}/ratings": {"body.ratings"},  # the item and its domain
}


def schema_accepts_what_validation_accepts(ctx: Any, response: Any, case: Any) -> None:
    """A valid request (per the schema) of a tightened operation is not refused as malformed."""
    allowed = TIGHT.get(case.operation.label, ())
    if allowed is None or case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if response.status_code == 400:
        raise AssertionError(f"schema-valid request refused with 400: {response.text[:300]}")
    if response.status_code == 422:
        detail = response.json().get("detail")
        locs = [
            ".".join(str(p) for p in d.get("loc", [])[:2])
            for d in (detail if isinstance(detail, list) else [])
        ]
        if not locs or any(loc not in allowed for loc in locs):
            raise AssertionError(f"schema-valid request refused: {response.text[:300]}")


CHECKS = [not_a_server_error, response_schema_conformance]


def _fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,  # a fixed seed: the same requests on every run
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def _schema() -> Any:
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def wsgi_in_test_transaction():
    """Django closes the connection at the end of a request when it is in a transaction; the
    test client unhooks that for its requests (the test's transaction is the connection), so we
    do the same while schemathesis calls the WSGI application directly."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _token(username: str) -> str:
    from django.contrib.auth import get_user_model

    from csperf.api.models import ApiToken

    _, raw = ApiToken.issue(get_user_model().objects.get(username=username))
    return raw


def _real_ids(world) -> dict[str, int]:
    """Path parameters that name the world's objects (so not every request is a 404)."""
    from csperf.surveys import actions as survey_actions
    from csperf.surveys.models import Survey

    survey_actions.ensure_builtin_surveys()
    return {
        "cycle_id": world.cycle.pk,
        "card_id": world.card("agent").pk,
        "template_id": world.template.pk,
        "employee_id": world.employees["agent"].pk,
        "survey_id": Survey.objects.order_by("pk").first().pk,
    }


def _fuzz(world, persona: str) -> list[str]:
    schema = _schema()
    real = _real_ids(world)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        fixed = {k: v for k, v in real.items() if k in names}
        tight = operation.label in TIGHT
        checks = [*CHECKS, schema_accepts_what_validation_accepts] if tight else CHECKS
        counts = TIGHT_EXAMPLES if tight and persona == "hr" else EXAMPLES[persona]
        for mode, examples in counts.items():
            strategy = operation.as_strategy(generation_mode=mode)
            if fixed and len(fixed) == len(names):
                strategy = st.one_of(
                    strategy, operation.as_strategy(generation_mode=mode, path_parameters=fixed)
                )

            @given(case=strategy)
            @_fuzz_settings(examples)
            def run(case: Any) -> None:
                # a fresh token each time: POST /api/auth/revoke may end the one presented
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {_token(persona)}"},
                    checks=checks,  # noqa: B023 (run() is called in this iteration)
                )

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # FailureGroup is a BaseExceptionGroup
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    return failures


def test_no_server_error_and_conforming_answers_as_hr(world, wsgi_in_test_transaction):
    failures = _fuzz(world, "hr")
    assert not failures, "\n\n".join(failures)


def test_no_server_error_and_conforming_answers_as_agent(world, wsgi_in_test_transaction):
    failures = _fuzz(world, "agent")
    assert not failures, "\n\n".join(failures)


# -- what the fuzzer found (issue 14.11), each pinned down -------------------------------------


@pytest.mark.parametrize("period", ["0000", "9999-12", "1899-Q1", "2026-13"])
def test_a_period_no_date_has_is_refused_not_a_server_error(world, api_client, period):
    api_client.login("hr")
    r = api_client.post("/api/cycles", {"period": period})
    assert r.status_code == 422, r.content
    assert r.json()["detail"][0]["loc"][-1] == "period"
    r = api_client.get(f"/api/indicators/values?period={period}")
    assert r.status_code == 422, r.content


def test_a_period_no_date_has_is_refused_by_the_actions_too(world):
    from csperf.core.errors import InvalidInput
    from csperf.cycles import actions as cycle_actions
    from csperf.qc import actions as qc_actions

    with pytest.raises(InvalidInput):
        cycle_actions.create_cycle(world.users["hr"], period="0000")
    with pytest.raises(InvalidInput):  # the QC plan page reads periods with another parser
        qc_actions._period("0000")


@pytest.mark.parametrize("card", [2**63, 2**64 + 5, 0, -1])
def test_bulk_with_an_id_beyond_64_bits_answers_422(world, api_client, card):
    api_client.login("supervisor")
    r = api_client.post(
        "/api/board/bulk", {"step": "submit", "cards": [card], "dry_run": True, "reason": "x"}
    )
    assert r.status_code == 422, r.content
    assert r.json()["detail"][0]["loc"][-2:] == ["cards", 0]


def test_a_locked_database_while_opening_answers_409(world, api_client, monkeypatch):
    from django.db import OperationalError

    from csperf.cycles import actions as cycle_actions

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(cycle_actions, "open_cycle", locked)
    api_client.login("hr")
    r = api_client.post(f"/api/cycles/{world.cycle.pk}/open", {"reason": "x"})
    assert r.status_code == 409, r.content
    assert r.json()["detail"]


def _schema_of(client, path: str, method: str) -> dict:
    return client.get("/api/openapi.json").json()["paths"][path][method]


def test_the_six_operations_say_what_their_validation_accepts(client):
    """The constraints the validation applies are in /api/openapi.json."""
    from csperf.kernel.periods import PERIOD_PATTERN

    doc = client.get("/api/openapi.json").json()
    parts = doc["components"]["schemas"]
    values = {
        p["name"]: p["schema"]
        for p in _schema_of(client, "/api/indicators/values", "get")["parameters"]
    }
    assert values["period"]["pattern"] == PERIOD_PATTERN
    assert values["indicators"]["anyOf"][0]["maxLength"] == 4000
    bulk = parts["BulkIn"]
    assert bulk["properties"]["cards"]["items"]["maximum"] == 2**63 - 1
    assert bulk["properties"]["cards"]["items"]["minimum"] == 1
    assert bulk["properties"]["step"]["enum"] == ["approve", "submit", "publish"]
    assert bulk["anyOf"]  # a reason unless dry_run
    form = _schema_of(client, "/api/imports", "post")["requestBody"]["content"]
    props = form["multipart/form-data"]["schema"]["properties"]
    assert "calls" in props["kind"]["enum"] and props["encoding"]["maxLength"] == 40
    plan = parts["SamplingPlanIn"]["properties"]
    assert plan["period"]["pattern"] == PERIOD_PATTERN and plan["source"]["enum"] == [
        "calls",
        "tickets",
    ]
    sampling = parts["SamplingIn"]["properties"]
    assert sampling["mode"]["enum"] == ["count", "share"]
    assert sampling["share"]["anyOf"][0]["exclusiveMinimum"] == 0
    survey = _schema_of(client, "/api/surveys/{survey_id}/responses", "post")["parameters"][0]
    assert survey["schema"]["maximum"] == 2**63 - 1
    rating = parts["RatingIn"]["properties"]
    assert rating["item"]["maxLength"] == 80 and rating["comment"]["maxLength"] == 4000
    assert rating["value"]["anyOf"][0]["maximum"] == 99_999_999


def test_tightened_fields_are_refused_with_their_name(world, api_client):
    api_client.login("hr")
    card = world.card("agent")
    r = api_client.put(
        f"/api/cards/{card.pk}/ratings", {"ratings": [{"item": "attitude", "comment": "x" * 4001}]}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "comment"
    r = api_client.post(
        "/api/qc/plans",
        {
            "name": " ",
            "period": "2026-03",
            "department": "D1",
            "form": "x",
            "params": {"mode": "share", "share": 2},
        },
    )
    assert r.status_code == 422
    assert {tuple(d["loc"][-2:]) for d in r.json()["detail"]} >= {
        ("payload", "name"),
        ("params", "share"),
    }
    r = api_client.post("/api/board/bulk", {"step": "rate", "cards": [card.pk], "dry_run": True})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "step"


def test_an_unknown_encoding_is_refused_before_the_job(world, api_client, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from csperf.core.models import Job

    api_client.login("hr")
    before = Job.objects.count()
    r = client.post(
        "/api/imports",
        {"kind": "calls", "file": SimpleUploadedFile("a.csv", b"x\n"), "encoding": "rot13"},
        **api_client._headers(),
    )
    assert r.status_code == 422, r.content
    assert r.json()["detail"][0]["loc"][-1] == "encoding"
    assert Job.objects.count() == before
