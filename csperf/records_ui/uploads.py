"""An upload handler that stops keeping an uploaded file once it is larger than any upload may be.

Django spools every uploaded file to disk whatever its size; with this handler first in
``FILE_UPLOAD_HANDLERS`` the bytes beyond ``CSPERF_IMPORT_MAX_UPLOAD_MB`` are read and dropped,
and the view receives an :class:`OversizedUpload` (its ``size`` the bytes received, no content),
which the views refuse by size with the file's name, as they refuse any file too large.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """Stands for a file that was larger than the upload limit: a name and a size, no bytes."""

    def __init__(self, name: str, size: int, content_type: str | None) -> None:
        import io

        super().__init__(io.BytesIO(), name, content_type, size)

    def chunks(self, chunk_size=None):  # nothing was kept
        return iter(())


class CappedUploadHandler(FileUploadHandler):
    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.over = False

    def limit(self) -> int:
        from django.conf import settings

        from csperf.ingest.limits import from_settings

        return from_settings(settings).upload_bytes

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.over = False
        self.cap = self.limit()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.over or start + len(raw_data) > self.cap:
            self.over = True
            return None  # later handlers keep nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.over:
            return OversizedUpload(self.file_name, file_size, self.content_type)
        return None  # the next handler (memory or temporary file) has the whole file
