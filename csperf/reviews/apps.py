from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "csperf.reviews"
    label = "reviews"
    verbose_name = _("Scorecards")

    def ready(self) -> None:
        from csperf.core.pages import add_part
        from csperf.reviews.appeal_rules import stage_days
        from csperf.reviews.parts import employee_cards

        stage_days()  # a bad CSPERF_APPEAL_STAGE_DAYS stops the server when it starts
        add_part("org.employee", employee_cards)
