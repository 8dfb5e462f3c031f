from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter

from accounts import two_factor
from hub.sitemaps import SITEMAPS

from . import views
from .converters import CountryCodeConverter

register_converter(CountryCodeConverter, "country")

urlpatterns = [
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("statuscheck.urls_hooks")),
]

if settings.BENCH_FLOOR:  # the benchmark's floor (bench/floor.py), never in production
    from bench import floor

    urlpatterns += [path("floor/template/", floor.template), path("floor/row/", floor.one_row)]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/two-factor/", two_factor.verify, name="two-factor"),
    path("accounts/two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("accounts/two-factor/recovery-codes/", two_factor.recovery_codes, name="two-factor-codes"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/windows/", include("ventanillas.urls_staff")),
    path("staff/cases/", include("cases.urls")),
    path("staff/handovers/", include("handovers.urls")),
    path("staff/dashboards/", include("dashboards.urls")),
    path("staff/registers/", include("registers.urls")),
    path("staff/notifications/", include("notifications.urls")),
    path("staff/emergencies/", include("emergencies.urls_staff")),
    path("training/", include("training.urls")),
    path("referrals/", include("cases.urls_partners")),
    path("", include("statuscheck.urls")),
    path("<country:country>/windows/", include("ventanillas.urls")),
    path("<country:country>/emergencies/", include("emergencies.urls")),
    # The content hub owns the country pages (/<lang>/<country>/...): it comes last so that the
    # fixed prefixes above always win.
    path("", include("hub.urls")),
    prefix_default_language=True,
)

handler400 = "portal.views.bad_request"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
