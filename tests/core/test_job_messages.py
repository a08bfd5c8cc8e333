"""A running job's message is stored as its msgid and params and translated when shown
(issue 16, item 2): the worker's language never decides what a reader sees."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils.translation import override

from csperf.core.jobs import Progress
from csperf.core.models import Job, job_message

pytestmark = pytest.mark.django_db


def test_progress_stores_the_msgid_and_each_reader_gets_their_language():
    job = Job.objects.create(kind="cycle.compute")
    with override("zh-hans"):  # the worker's language does not matter
        Progress(job)(0, 5, "Planning %(n)s cards", {"n": 4})
    job.refresh_from_db()
    assert "Planning %(n)s cards" in job.message
    with override("en"):
        assert job.message_text == "Planning 4 cards"
        assert "Planning 4 cards" in render_to_string("web/_job.html", {"job": job})
    with override("zh-hans"):
        assert job.message_text != "Planning 4 cards" and "4" in job.message_text


def test_a_message_stored_as_text_before_shows_as_it_was():
    assert job_message("正在计算") == "正在计算"
    assert job_message('{"msgid": "cut') == '{"msgid": "cut'
    with override("zh-hans"):
        assert job_message('{"msgid": "Scoring", "params": {}}') != "Scoring"
