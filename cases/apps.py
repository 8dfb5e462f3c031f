from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Django's hook for wiring an app once every model is loaded: rules import the models.
        from helpers import samples
        from notifications import consent
        from privacy import audit, rotation

        from . import rules
        from .services import record_audit

        rotation.register_rehash(self.get_model("Person"), rules.person_hashes)
        consent.register("cases.person", rules.may_write_to)
        audit.register_writer(record_audit)
        pathways = self.get_model("RegularizationPathway")
        samples.register("pathways", lambda: pathways.objects.filter(is_sample=True))
