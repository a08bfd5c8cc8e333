from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "csperf.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from csperf.api import signals  # noqa: F401  (tokens die with the password, the login)
