"""Starting a record import: written once, called by the import page and the API."""

from __future__ import annotations

import codecs
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from csperf.core import audit, jobs
from csperf.core.errors import InvalidInput, NotAllowed
from csperf.core.models import Job
from csperf.cycles.access import can_manage_cycles
from csperf.ingest.limits import size
from csperf.ingest.schema import RECORD_TYPES

if TYPE_CHECKING:
    from django.contrib.auth.models import User

KIND = "records.import"
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")


def upload_limit() -> int:
    """The largest file an import may upload, in bytes (CSPERF_IMPORT_MAX_UPLOAD_MB)."""
    from csperf.ingest.limits import from_settings

    return from_settings(settings).upload_bytes


def _known_encoding(name: str) -> bool:
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return False
    return getattr(info, "_is_text_encoding", True)  # not base64, rot13 …


def start_import(user: User, kind: str, upload: Any, *, encoding: str = "") -> Job:
    """Check the request, keep the uploaded file and queue the ``records.import`` job.

    Nothing is stored in the records until the job has checked the whole file: a file with
    problems is rejected whole and its problems are kept on the job.
    """
    if not can_manage_cycles(user):
        # Records feed everyone's scores: only HR performance admins import them.
        raise NotAllowed(_("Only HR performance admins import records."))
    if kind not in RECORD_TYPES:
        raise InvalidInput(_("Choose the record type of the file."), field="kind")
    if upload is None:
        raise InvalidInput(_("Choose a file to import."), field="file")
    if encoding and not _known_encoding(encoding):
        raise InvalidInput(
            _(
                "%(encoding)s is not a text encoding (e.g. utf-8, gb18030); leave it empty to detect."
            )
            % {"encoding": encoding},
            field="encoding",
        )
    if not upload.name.lower().endswith(SUFFIXES):
        raise InvalidInput(
            _("%(file)s: only .xlsx, .xls, .ods or .csv files can be imported.")
            % {"file": upload.name},
            field="file",
        )
    limit = upload_limit()
    if (upload.size or 0) > limit:
        # (a file larger than the limit was not even kept: see csperf.records_ui.uploads)
        raise InvalidInput(
            _("%(file)s: larger than %(limit)s, the most one import may upload.")
            % {"file": upload.name, "limit": size(limit)},
            field="file",
        )
    base = Path(settings.DATA_DIR) / "uploads"
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=base))
    safe = re.sub(r"[^\w.\-]+", "_", Path(upload.name).name) or "upload"
    path = folder / safe
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    job = jobs.enqueue(
        KIND,
        {
            "kind": kind,
            "path": str(path),
            "name": upload.name,
            "encoding": encoding or "",
            "language": get_language() or "",  # the job's own messages are in the starter's
        },
        user=user,
    )
    audit.record(user, "import_records", job, new={"type": kind, "file": upload.name})
    return job
