from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "csperf.surveys"
    label = "surveys"
    verbose_name = _("Surveys and callbacks")
    default_auto_field = "django.db.models.BigAutoField"
