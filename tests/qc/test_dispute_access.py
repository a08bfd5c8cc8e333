"""Disputes are fetched through ``qc.access.get_dispute_for_user``: out of scope answers 404."""

from __future__ import annotations

import pytest
from django.http import Http404

from csperf.qc import actions
from csperf.qc.access import get_dispute_for_user
from tests.qc.conftest import FULL_HOTLINE
from tests.qc.test_trust import _one_review

pytestmark = pytest.mark.django_db


def test_a_dispute_is_seen_where_its_review_is(qc):
    review = _one_review(qc)
    actions.save(review.inspector, review, FULL_HOTLINE)
    actions.submit(review.inspector, review)
    (d,) = actions.file_dispute(qc.users["agent"], review, [{"item": "accuracy", "reason": "x"}])
    for who in ("agent", "inspector", "hr"):
        assert get_dispute_for_user(qc.users[who], d.pk) == d
    for who in ("colleague", "outsider"):
        with pytest.raises(Http404):
            get_dispute_for_user(qc.users[who], d.pk)
    for bad in ("x", None, d.pk + 10**6):
        with pytest.raises(Http404):
            get_dispute_for_user(qc.users["hr"], bad)
