from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from privacy import rotation

        from .keys import rehash_message
        from .stoplist import rehash_entry

        rotation.register_rehash(self.get_model("Message"), rehash_message)
        rotation.register_rehash(self.get_model("StopEntry"), rehash_entry)
