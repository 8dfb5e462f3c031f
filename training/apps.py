from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Django's hook for wiring an app once every model is loaded.
        from notifications import consent
        from privacy import retention, rotation

        from . import messages, services
        from .models import participant_hashes

        consent.register("training.participant", messages.may_write_to)
        rotation.register_rehash(self.get_model("Participant"), participant_hashes)
        retention.register("training_participants", lambda now: services.anonymise_inactive_participants(now=now))
