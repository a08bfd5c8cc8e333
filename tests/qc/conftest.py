"""QC fixtures on top of the shared personas: a second inspector and an expert on department D1,
the built-in forms, and a records store of its own per test."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def store_dir(settings, tmp_path) -> Any:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def qc(world, store_dir) -> Any:
    from django.contrib.auth import get_user_model

    from csperf.org.models import Membership, Role
    from csperf.qc.actions import ensure_builtin_forms

    User = get_user_model()
    for name in ("inspector2", "expert"):
        u = User.objects.create_user(username=name, password="pw")
        Membership.objects.create(user=u, role=Role.INSPECTOR, department=world.departments["D1"])
        world.users[name] = u
    forms = {f.code: f for f in ensure_builtin_forms()}
    world.forms = forms
    return world


FULL_HOTLINE = {
    "greeting": 5,
    "identity_check": "na",
    "listening": 10,
    "clarify": 10,
    "accuracy": 15,
    "process": 10,
    "first_resolution": 10,
    "tone": 10,
    "empathy": 5,
    "hold_etiquette": "na",
    "summary": 5,
    "closing_phrase": 5,
    "record": 5,
    "praise": 0,
    "retention": 0,
}
