"""Background job handlers of the cycles app."""

from __future__ import annotations

from typing import Any

from csperf.core.errors import ActionError
from csperf.core.jobs import Progress, job_handler
from csperf.core.models import Job


@job_handler("cycle.compute")
def compute_job(job: Job, progress: Progress) -> dict[str, Any]:
    from csperf.cycles.compute import compute_cycle
    from csperf.cycles.models import Cycle

    cycle = Cycle.objects.filter(pk=job.params.get("cycle")).first()
    if cycle is None:
        raise ActionError("the cycle no longer exists")
    return compute_cycle(cycle, progress, actor=job.created_by)
