from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Django's hook for wiring an app once every model is loaded: rules import the models.
        from portal import rotation

        from . import rules

        rotation.register_rehash(self.get_model("Person"), rules.person_hashes)
