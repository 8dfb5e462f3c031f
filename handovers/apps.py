from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoversConfig(AppConfig):
    name = "handovers"
    verbose_name = _("Handovers between countries")

    def ready(self) -> None:
        # The subject-access export and the erasure of cases reach this app's records through privacy's doors.
        from cases.services.cases import register_reopen_guard
        from privacy import erasure, subject_access
        from statuscheck import replies

        from . import selectors, services

        subject_access.register("handovers", selectors.person_section)
        erasure.register("handovers", services.on_erasure)
        register_reopen_guard(services.handed_over_reason)
        # A person gives back a consent code by replying to the SMS that brought it (the gateway's webhook).
        replies.register(services.answer_reply)
