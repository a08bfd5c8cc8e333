from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "csperf.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from csperf.core.pages import add_part
        from csperf.reports.parts import card_history

        add_part("reviews.card", card_history)
