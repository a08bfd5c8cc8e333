from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "csperf.cycles"
    label = "cycles"
    verbose_name = _("Evaluation cycles")

    def ready(self) -> None:
        from csperf.cycles import tasks  # noqa: F401  (registers the job handlers)
