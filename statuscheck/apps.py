from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusCheckConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "statuscheck"
    verbose_name = _("Status check")
