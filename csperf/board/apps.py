from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "csperf.board"
    label = "board"
    verbose_name = _("Team board")
