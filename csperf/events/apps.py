from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "csperf.events"
    label = "events"
    verbose_name = _("Events (rewards and penalties)")
    default_auto_field = "django.db.models.BigAutoField"
