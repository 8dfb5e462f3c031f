from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VentanillasConfig(AppConfig):
    name = "ventanillas"
    verbose_name = _("Countries and windows")
