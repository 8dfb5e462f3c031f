from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "registers"
    verbose_name = _("Register imports")

    def ready(self) -> None:
        # A file uploaded and never confirmed holds personal data: the daily retention run forgets it.
        from privacy import retention

        from . import services

        retention.register("register_files", lambda now: services.forget_abandoned(now=now))
