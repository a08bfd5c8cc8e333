"""The django-tasks task behind every job (docs/web.md, "Jobs").

``csperf.core.jobs.enqueue`` stores a :class:`~csperf.core.models.Job` (the record people see:
progress, result, error) and, in the same transaction, enqueues :func:`run_job` with the job's
id on the tasks backend (``TASKS``: django-tasks' database backend). ``csperf worker`` runs the
backend's worker, which calls :func:`run_job`; that runs the job in a child process with the
memory and time limits of the settings.
"""

from __future__ import annotations

from typing import Any

try:  # Django 6 has the tasks framework built in; before it, the django-tasks backport
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task


@task()
def run_job(job_id: int) -> dict[str, Any]:
    """Claim the job and run it under the limits; what happened is on the Job, never raised."""
    from csperf.core import jobs

    return jobs.run_limited(job_id)
