from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # Every text typed into any form of the portal (and the admin) refuses control characters, with a
        # message, before it reaches a page, a spreadsheet or PostgreSQL (which refuses NUL outright).
        from django import forms

        from helpers.validation import prohibit_control_characters

        if prohibit_control_characters not in forms.CharField.default_validators:
            forms.CharField.default_validators = [*forms.CharField.default_validators, prohibit_control_characters]

        from . import signals

        signals.connect()
