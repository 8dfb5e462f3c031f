from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Content hub")

    def ready(self) -> None:
        from helpers import samples

        guides = self.get_model("Guide")
        samples.register("guides", lambda: guides.objects.filter(is_sample=True))
