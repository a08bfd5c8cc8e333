"""The ``records.import`` background job: one uploaded file into the records store."""

from __future__ import annotations

import contextlib
import logging
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from csperf.core.errors import ActionError
from csperf.core.jobs import Progress, job_handler
from csperf.core.models import Job
from csperf.records_ui.problems import stored_problem

log = logging.getLogger("csperf.jobs")


@job_handler("records.import")
def import_job(job: Job, progress: Progress) -> dict[str, Any]:
    # the job's own words (its error) in the language of the person who started it; its
    # problems are kept as msgids and shown in each reader's language
    language = job.params.get("language")
    with translation.override(language) if language else contextlib.nullcontext():
        return _import(job, progress)


def _import(job: Job, progress: Progress) -> dict[str, Any]:
    from csperf.ingest.importer import ImportFailed, import_file
    from csperf.ingest.limits import from_settings
    from csperf.ingest.store import StoreError, open_store

    path = Path(job.params["path"])
    name = job.params.get("name") or path.name
    if not path.exists():
        raise ActionError(
            _("%(file)s: the uploaded file is gone; upload it again") % {"file": name}
        )
    progress(0, 1, name)
    try:
        store = open_store(settings.DATA_DIR)
    except StoreError as exc:
        raise ActionError(str(exc)) from None
    try:
        res = import_file(
            job.params["kind"],
            path,
            store=store,
            encoding=job.params.get("encoding") or None,
            progress=lambda done, total: progress(done, total),
            limits=from_settings(settings),
        )
    except ImportFailed as exc:
        # Kept on the job so the page can show (and download) every problem.
        problems = [stored_problem(p, name=name, path=str(path)) for p in exc.problems]
        Job.objects.filter(pk=job.pk).update(result={"problems": problems, "total": exc.total})
        raise ActionError(
            _("%(file)s: %(n)s problem(s); nothing was imported") % {"file": name, "n": exc.total}
        ) from None
    except (StoreError, LookupError, OSError) as exc:
        error = str(exc).replace(str(path), name)  # the store's or the system's own words
        raise ActionError(
            _("%(file)s: cannot import: %(error)s") % {"file": name, "error": error}
        ) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # the traceback goes to the log; the page shows the reference
        log.exception("import job %s (%s) failed", job.pk, name)
        raise ActionError(
            _(
                "%(file)s: cannot import: an unexpected error (%(error)s); reference: job"
                " %(job)s. Nothing was imported."
            )
            % {"file": name, "error": type(exc).__name__, "job": job.pk}
        ) from None
    finally:
        store.close()
        if settings.DATA_DIR and path.parent.name.startswith("upload-"):
            shutil.rmtree(path.parent, ignore_errors=True)
    return {
        "type": res.type,
        "rows": res.rows,
        "replaced": res.replaced,
        "import_id": res.import_id,
        "ignored_columns": res.ignored_columns,
        "notes": res.notes,
        "warnings": [w.replace(str(path), name) for w in res.warnings],
        "seconds": round(res.seconds, 2),
        "file": name,
    }
