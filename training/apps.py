from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Django's hook for wiring an app once every model is loaded.
        from notifications import consent

        from . import messages

        consent.register("training.participant", messages.may_write_to)
