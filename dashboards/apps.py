from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # The monthly and quarterly reports show the dashboards' own indicators.
        from . import reports

        reports.register()
        # A register import says which days its records changed: they are recomputed at once.
        from registers.signals import days_changed

        from . import tasks

        days_changed.connect(tasks.days_changed, dispatch_uid="dashboards.register_days")
