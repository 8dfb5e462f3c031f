from django.urls import path

from . import api, emergency_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("region/", views.regional_dashboard, name="region"),
    path("region/export/<slug:table>.<slug:fmt>", views.regional_export, name="region-export"),
    path("api/v1/openapi.json", api.schema, name="api-schema"),
    path("api/v1/indicators/", api.indicator_list, name="api-indicators"),
    path("api/v1/countries/", api.country_list, name="api-countries"),
    # Before the indicators' patterns, which would read "emergencies" as an indicator's code.
    path("api/v1/emergencies/<int:pk>/", emergency_views.api_emergency, name="api-emergency"),
    path(
        "api/v1/countries/<country:country>/emergencies/",
        emergency_views.api_country_emergencies,
        name="api-country-emergencies",
    ),
    path("api/v1/region/emergencies/", emergency_views.api_region_emergencies, name="api-region-emergencies"),
    path("api/v1/countries/<country:country>/<slug:indicator>/", api.country_indicator, name="api-country"),
    path("api/v1/region/<slug:indicator>/", api.region_indicator, name="api-region"),
    path("emergencies/<int:pk>/", emergency_views.emergency_dashboard, name="emergency"),
    path(
        "emergencies/<int:pk>/export/<slug:table>.<slug:fmt>",
        emergency_views.emergency_export,
        name="emergency-export",
    ),
    path("region/emergencies/", emergency_views.emergencies_overview, name="region-emergencies"),
    path(
        "region/emergencies/export.<slug:fmt>",
        emergency_views.emergencies_export,
        name="region-emergencies-export",
    ),
    path("<country:country>/", views.country_dashboard, name="country"),
    path("<country:country>/export/<slug:table>.<slug:fmt>", views.country_export, name="country-export"),
    path("<country:country>/emergencies/", emergency_views.emergencies_overview, name="country-emergencies"),
    path(
        "<country:country>/emergencies/export.<slug:fmt>",
        emergency_views.emergencies_export,
        name="country-emergencies-export",
    ),
]
