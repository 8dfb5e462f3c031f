"""The admin answers a number no column can hold with a form error, never a 500: NaN, sNaN and the infinities
in its decimal fields (amounts, hours, coordinates), and NaN, Infinity, a number too large for a float or an
escaped NUL in its JSON fields (which PostgreSQL's jsonb refuses). Every JSON field of every admin form,
inlines included, uses the field that refuses them."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client, RequestFactory

from helpers.forms import StorableJSONField
from tests.cases.factories import PathwayFactory
from tests.factories import UserFactory
from tests.training.factories import CourseFactory
from ventanillas.models import PartnerOrganisation

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "nan"]
NOT_STORABLE_JSON = ["NaN", "[NaN]", '["legal", Infinity]', "[1e400]", '["a\\u0000b"]', '{"x": "\\u202e"}']


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _form_data(page) -> dict:
    """What the admin page would post back unchanged: every field of the form and of its inlines."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        data |= {management.add_prefix(n): management.initial.get(n, "") for n in management.fields}
        forms += list(inline.formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            value = value() if callable(value) else value
            if isinstance(value, (list, dict)):
                value = json.dumps(value)
            elif isinstance(value, bool):
                value = "on" if value else ""
            data[form.add_prefix(name)] = "" if value is None else getattr(value, "pk", value)
    return data


def _refused(admin_client, url: str, field: str, value: str) -> list:
    data = _form_data(admin_client.get(url))
    assert field in data, (url, field)
    data[field] = value
    response = admin_client.post(url, data)
    assert response.status_code == 200, (url, field, value, response.status_code)  # shown again, not saved
    assert response.context["errors"], (url, value)
    form = response.context["adminform"].form
    codes = [error.code for error in form.errors.as_data().get(field, [])]
    for inline in response.context.get("inline_admin_formsets", []):
        for each in inline.formset.forms:
            codes += [error.code for error in each.errors.as_data().get(field.rsplit("-", 1)[-1], [])]
    return codes


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_decimal_that_is_not_a_number_is_a_form_error(admin_client, cr, window_cr, value):
    course = CourseFactory(country=cr)
    pathway = PathwayFactory(country=cr)
    for url, field in [
        (f"/admin/training/course/{course.pk}/change/", "hours"),
        (f"/admin/ventanillas/informationwindow/{window_cr.pk}/change/", "latitude"),
        (f"/admin/cases/regularizationpathway/{pathway.pk}/change/", "facts-0-amount"),
    ]:
        assert _refused(admin_client, url, field, value) == ["invalid"], (url, value)


@pytest.mark.parametrize("value", NOT_STORABLE_JSON)
def test_json_the_database_would_refuse_is_a_form_error(admin_client, cr, window_cr, value):
    partner = PartnerOrganisation.objects.create(name="Cruz Roja", country=cr, services=["legal"])
    for url, row in [
        (f"/admin/ventanillas/informationwindow/{window_cr.pk}/change/", window_cr),
        (f"/admin/ventanillas/partnerorganisation/{partner.pk}/change/", partner),
    ]:
        before = type(row).objects.get(pk=row.pk).services
        assert _refused(admin_client, url, "services", value) == ["unstorable"], (url, value)
        assert type(row).objects.get(pk=row.pk).services == before


def test_every_json_field_of_every_admin_form_refuses_what_the_database_would(cr):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(username="root", is_staff=True, is_superuser=True)
    checked, missing = [], []
    for model_admin in admin.site._registry.values():
        admins = [model_admin, *model_admin.get_inline_instances(request)]
        for each in admins:
            # Only a field the form takes as input can be typed into (not one shown read-only, or not shown).
            typed = set(each.get_fields(request)) - set(each.get_readonly_fields(request))
            for field in each.model._meta.get_fields():
                if isinstance(field, models.JSONField) and field.editable and field.name in typed:
                    formfield = each.formfield_for_dbfield(field, request)
                    name = f"{type(each).__name__}: {each.model._meta.label}.{field.name}"
                    (checked if isinstance(formfield, StorableJSONField) else missing).append(name)
    assert not missing
    assert any("InformationWindow.services" in name for name in checked)
