"""Declaring, correcting, translating and ending an emergency: who may, and what each change leaves behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import AuditEntry
from emergencies.models import Emergency
from tests.factories import Role, UserFactory, WindowFactory, country, member

from .factories import declare, officer_of

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def haiti():
    ht = country("HT")
    WindowFactory(country=ht, region="Ouest", city="Port-au-Prince", slug="pap")
    WindowFactory(country=ht, region="Nord", city="Cap-Haïtien", slug="cap")
    return ht


def form(**fields):
    moment = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {
        "kind": "hurricane",
        "severity": "Extreme",
        "starts_at": moment,
        "language": "ht",
        "title": "Siklòn Mélissa",
        "instructions": "Rete lakay ou.",
        "hotlines": "+509 2943 0000 Sivil pwoteksyon",
        **fields,
    }


def test_a_country_officer_declares_a_hurricane_in_two_regions_and_it_is_published_at_once(haiti):
    officer = officer_of(haiti)
    response = signed_in(officer).post(
        "/ht/staff/emergencies/declare/", form(countries=[haiti.pk], regions=["Ouest", "Nord"])
    )
    emergency = Emergency.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ht/staff/emergencies/{emergency.pk}/"
    assert sorted(emergency.regions) == ["Nord", "Ouest"]
    assert emergency.source_language == "ht"
    assert [b.message_type for b in emergency.bulletins.all()] == ["Alert"]
    entry = AuditEntry.objects.get(object_type="emergencies.emergency")
    assert (entry.action, entry.user, entry.details["version"]) == ("create", officer, 1)
    # French, the country's other public language, awaits translation: the staff page says so.
    page = signed_in(officer).get(f"/ht/staff/emergencies/{emergency.pk}/").content.decode()
    assert "fr" not in {t.language for t in emergency.texts.all()}
    assert f"/staff/emergencies/{emergency.pk}/text/fr/" in page


def test_window_staff_and_another_countrys_officer_cannot_declare_there(haiti):
    staff = UserFactory()
    member(staff, Role.WINDOW_STAFF, window=haiti.windows.first())
    assert signed_in(staff).get("/ht/staff/emergencies/declare/").status_code == 404
    other = officer_of(country("DO"))
    response = signed_in(other).post("/es/staff/emergencies/declare/", form(countries=[haiti.pk], language="es"))
    assert response.status_code == 200  # the form again: Haiti is not among the officer's countries
    assert "countries" in response.context["form"].errors
    assert not Emergency.objects.exists()


def test_bad_input_is_refused_with_a_reason_and_keeps_what_was_typed(haiti):
    officer = officer_of(haiti)
    start = timezone.localtime()
    response = signed_in(officer).post(
        "/ht/staff/emergencies/declare/",
        form(
            countries=[haiti.pk],
            language="es",  # not a public language of Haiti
            expected_end_at=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            instructions="Rete lakay ou, pa soti.",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "language" in errors and "expected_end_at" in errors
    assert "Rete lakay ou, pa soti." in response.content.decode()
    assert not Emergency.objects.exists()


def test_a_regional_officer_declares_for_several_countries_one_emergency_each(haiti):
    regional = UserFactory()
    member(regional, Role.REGIONAL_OFFICER)
    dominican = country("DO")
    response = signed_in(regional).post(
        "/ht/staff/emergencies/declare/", form(countries=[haiti.pk, dominican.pk], title="Siklòn")
    )
    assert response.status_code == 302
    assert sorted(Emergency.objects.values_list("country__code", flat=True)) == ["DO", "HT"]
    # Regions belong to one country: asked for two countries, they are refused.
    response = signed_in(regional).post(
        "/ht/staff/emergencies/declare/", form(countries=[haiti.pk, dominican.pk], regions=["Ouest"])
    )
    assert "regions" in response.context["form"].errors


def test_a_correction_and_the_end_are_published_and_audited_at_once(haiti):
    officer = officer_of(haiti)
    emergency = declare(haiti, officer)
    client = signed_in(officer)
    data = form(severity="Moderate", regions=["Nord"])
    data["starts_at"] = timezone.localtime(emergency.starts_at).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/ht/staff/emergencies/{emergency.pk}/correct/", data).status_code == 302
    emergency.refresh_from_db()
    assert (emergency.severity, emergency.regions, emergency.version) == ("Moderate", ["Nord"], 2)
    assert client.post(f"/ht/staff/emergencies/{emergency.pk}/end/").status_code == 302
    emergency.refresh_from_db()
    assert emergency.is_over
    assert [b.message_type for b in emergency.bulletins.order_by("number")] == ["Alert", "Update", "Cancel"]
    changes = AuditEntry.objects.filter(object_type="emergencies.emergency", action="change").order_by("pk")
    assert "severity" in changes[0].details["changed"] and changes[1].details["message_type"] == "Cancel"
    # An ended emergency is not corrected again.
    response = client.post(f"/en/staff/emergencies/{emergency.pk}/correct/", data)
    assert response.status_code == 200 and "This emergency has ended" in response.content.decode()


def test_only_its_countrys_officers_correct_or_end_it(haiti):
    emergency = declare(haiti)
    staff = UserFactory()
    member(staff, Role.WINDOW_STAFF, window=haiti.windows.first())
    for user in (officer_of(country("DO")), staff):
        assert signed_in(user).post(f"/ht/staff/emergencies/{emergency.pk}/end/").status_code == 404
    emergency.refresh_from_db()
    assert not emergency.is_over


def test_an_editor_of_the_language_translates_and_the_page_switches_to_the_translation(haiti):
    emergency = declare(haiti)
    editor = UserFactory()
    member(editor, Role.CONTENT_EDITOR, country_obj=haiti, language="fr")
    before = Client().get(f"/fr/ht/emergencies/{emergency.pk}/").content.decode()
    assert '<h1 lang="ht">' in before and "pas encore été traduit" in before
    client = signed_in(editor)
    assert client.get(f"/fr/staff/emergencies/{emergency.pk}/text/ht/").status_code == 404  # not their language
    response = client.post(
        f"/fr/staff/emergencies/{emergency.pk}/text/fr/",
        {"title": "Ouragan Mélissa : restez chez vous", "instructions": "Ne sortez pas."},
    )
    assert response.status_code == 302
    after = Client().get(f"/fr/ht/emergencies/{emergency.pk}/").content.decode()
    assert '<h1 lang="fr">Ouragan Mélissa : restez chez vous</h1>' in after
    assert "pas encore été traduit" not in after
    assert emergency.bulletins.count() == 2
