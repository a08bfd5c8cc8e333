from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "csperf.board"
    label = "board"
    verbose_name = _("Team board")

    def ready(self) -> None:
        from csperf.board.parts import card_plans
        from csperf.core.pages import add_part

        add_part("reviews.card", card_plans)
