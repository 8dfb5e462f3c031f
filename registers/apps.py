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
        # So does a row held as a likely duplicate and never decided.
        retention.register("register_held_rows", lambda now: services.forget_undecided(now=now))
