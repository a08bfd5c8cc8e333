from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsUiConfig(AppConfig):
    name = "csperf.records_ui"
    label = "records_ui"
    verbose_name = _("Record imports")

    def ready(self) -> None:
        from csperf.records_ui import tasks  # noqa: F401  (registers the import job)
