from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpersConfig(AppConfig):
    name = "helpers"
    verbose_name = _("Web helpers")
