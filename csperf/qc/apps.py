from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QcConfig(AppConfig):
    name = "csperf.qc"
    label = "qc"
    verbose_name = _("Quality inspection")
    default_auto_field = "django.db.models.BigAutoField"
