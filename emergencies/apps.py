from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    name = "emergencies"
    verbose_name = _("Emergencies")

    def ready(self) -> None:
        # Django's hook for wiring an app once every model is loaded.
        from privacy import retention, rotation

        from . import services

        retention.register("emergency_contacts", lambda now: services.forget_ended_contacts(now=now))
        rotation.register_rehash(self.get_model("Arrival"), services.arrival_hashes)
