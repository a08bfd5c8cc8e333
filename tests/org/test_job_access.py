"""Jobs are fetched through one helper: HR and the auditor see every job, anyone else their own."""

from __future__ import annotations

import pytest
from django.http import Http404

from csperf.core.models import Job
from csperf.org.access import get_job_for_user, jobs_for_user

pytestmark = pytest.mark.django_db


def test_own_jobs_only_unless_hr_or_auditor(world):
    mine = Job.objects.create(kind="records.import", created_by=world.users["supervisor"])
    other = Job.objects.create(kind="cycle.compute", created_by=world.users["hr"])
    assert list(jobs_for_user(world.users["supervisor"])) == [mine]
    assert get_job_for_user(world.users["supervisor"], mine.pk) == mine
    with pytest.raises(Http404):
        get_job_for_user(world.users["supervisor"], other.pk)
    for who in ("hr", "auditor"):
        assert set(jobs_for_user(world.users[who])) == {mine, other}


def test_kind_and_bad_ids_answer_404(world):
    job = Job.objects.create(kind="cycle.compute", created_by=world.users["hr"])
    with pytest.raises(Http404):
        get_job_for_user(world.users["hr"], job.pk, kind="records.import")
    for bad in ("x", None, 10**9):
        with pytest.raises(Http404):
            get_job_for_user(world.users["hr"], bad)
