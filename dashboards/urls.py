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
    path("api/v1/countries/<country:country>/<slug:indicator>/", api.country_indicator, name="api-country"),
    path("api/v1/region/<slug:indicator>/", api.region_indicator, name="api-region"),
    path("emergencies/<int:pk>/", emergency_views.emergency_dashboard, name="emergency"),
    path("<country:country>/", views.country_dashboard, name="country"),
    path("<country:country>/export/<slug:table>.<slug:fmt>", views.country_export, name="country-export"),
]
