"""Editors per country and language: draft → in review → published, preview, history, translation status."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from hub.models import Guide, Revision, RevisionStatus, TranslationState
from hub.services import publish_text
from tests.factories import country
from tests.hub.factories import editor, guide

EDIT_FR = "/es/cr/editor/guides/residencia/fr/edit/"


@pytest.fixture
def residencia(cr):
    return guide(cr)


def _post_text(client, url=EDIT_FR, **extra):
    data = {"title": "Résidence temporaire", "summary": "Comment la demander.", "body": "Rassemblez vos documents."}
    return client.post(url, {**data, **extra})


def test_an_editor_writes_a_translation_sends_it_for_review_and_another_publishes_it(
    editor_cr_fr_client, reviewer_cr_fr_client, residencia, client
):
    response = _post_text(editor_cr_fr_client, submit="1")
    revision = Revision.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/es/cr/editor/revisions/{revision.pk}/"
    assert revision.status == RevisionStatus.IN_REVIEW
    assert client.get("/fr/cr/guides/residencia/").content.decode().count("Résidence temporaire") == 0

    response = reviewer_cr_fr_client.post(f"/es/cr/editor/revisions/{revision.pk}/publish/")
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.PUBLISHED and revision.published_at
    html = client.get("/fr/cr/guides/residencia/").content.decode()
    assert "Résidence temporaire" in html and '<article lang="fr"' in html


def test_a_draft_cannot_be_published_without_review(editor_cr_fr_client, residencia):
    _post_text(editor_cr_fr_client, save="1")
    revision = Revision.objects.get()
    response = editor_cr_fr_client.post(f"/es/cr/editor/revisions/{revision.pk}/publish/", follow=True)
    assert "no puede pasar a este paso" in response.content.decode()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.DRAFT
    assert Guide.objects.get().raw("title", "fr") == ""


def test_a_reviewer_can_send_a_text_back_to_draft(editor_cr_fr_client, residencia):
    _post_text(editor_cr_fr_client, submit="1")
    revision = Revision.objects.get()
    editor_cr_fr_client.post(f"/es/cr/editor/revisions/{revision.pk}/return/")
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.DRAFT


def test_the_edit_form_keeps_bad_input(editor_cr_fr_client, residencia):
    response = _post_text(editor_cr_fr_client, title="x", body="Mi texto largo que no se pierde")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Escriba un título de al menos tres caracteres." in html
    assert "Mi texto largo que no se pierde" in html
    assert not Revision.objects.exists()


def test_editing_again_reuses_the_open_draft(editor_cr_fr_client, residencia):
    _post_text(editor_cr_fr_client, save="1")
    _post_text(editor_cr_fr_client, save="1", title="Résidence temporaire (2)")
    assert Revision.objects.count() == 1
    assert Revision.objects.get().title == "Résidence temporaire (2)"
    assert "Résidence temporaire (2)" in editor_cr_fr_client.get(EDIT_FR).content.decode()


def test_an_editor_may_not_edit_another_language(editor_cr_fr_client, residencia):
    assert editor_cr_fr_client.get("/es/cr/editor/guides/residencia/es/edit/").status_code == 403
    assert _post_text(editor_cr_fr_client, url="/es/cr/editor/guides/residencia/en/edit/").status_code == 403
    assert not Revision.objects.exists()


def test_an_editor_may_not_act_on_a_revision_in_another_language(editor_cr_fr_client, residencia, cr):
    other = editor(cr, "en")
    client = Client()
    client.force_login(other)
    _post_text(client, url="/es/cr/editor/guides/residencia/en/edit/", submit="1")
    revision = Revision.objects.get()
    assert editor_cr_fr_client.post(f"/es/cr/editor/revisions/{revision.pk}/publish/").status_code == 403
    assert editor_cr_fr_client.get(f"/es/cr/editor/revisions/{revision.pk}/preview/").status_code == 403


def test_an_editor_of_another_country_is_refused(residencia, pa):
    client = Client()
    client.force_login(editor(pa, "fr"))
    assert client.get("/es/cr/editor/").status_code == 403
    assert _post_text(client).status_code == 403


def test_a_revision_of_another_country_is_404(editor_cr_fr_client, residencia, pa):
    _post_text(editor_cr_fr_client, submit="1")
    revision = Revision.objects.get()
    assert editor_cr_fr_client.get(f"/es/pa/editor/revisions/{revision.pk}/").status_code == 404
    assert editor_cr_fr_client.get("/es/cr/editor/guides/nada/fr/edit/").status_code == 404
    assert editor_cr_fr_client.get("/es/cr/editor/recetas/residencia/fr/edit/").status_code == 404


def test_window_staff_are_refused_and_anonymous_readers_sent_to_login(staff_cr_client, client, residencia):
    assert staff_cr_client.get("/es/cr/editor/").status_code == 403
    assert staff_cr_client.get(EDIT_FR).status_code == 403
    response = client.get("/es/cr/editor/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_workflow_actions_refuse_get_and_unknown_actions(editor_cr_fr_client, residencia):
    _post_text(editor_cr_fr_client, save="1")
    revision = Revision.objects.get()
    assert editor_cr_fr_client.get(f"/es/cr/editor/revisions/{revision.pk}/publish/").status_code == 405
    assert editor_cr_fr_client.post(f"/es/cr/editor/revisions/{revision.pk}/destroy/").status_code == 404
    assert editor_cr_fr_client.post("/es/cr/editor/").status_code == 405


def test_preview_shows_the_unpublished_text_and_saves_nothing(editor_cr_fr_client, residencia, client):
    _post_text(editor_cr_fr_client, save="1")
    revision = Revision.objects.get()
    html = editor_cr_fr_client.get(f"/es/cr/editor/revisions/{revision.pk}/preview/").content.decode()
    assert "Vista previa de esta versión (estado: Borrador)." in html
    assert '<article lang="fr"' in html and "Résidence temporaire" in html
    assert Guide.objects.get().raw("title", "fr") == ""


def test_history_lists_every_version(editor_cr_fr_client, reviewer_cr_fr_client, residencia):
    _post_text(editor_cr_fr_client, submit="1")
    revision = Revision.objects.get()
    reviewer_cr_fr_client.post(f"/es/cr/editor/revisions/{revision.pk}/publish/")
    _post_text(editor_cr_fr_client, save="1", title="Résidence temporaire, version 2")
    html = editor_cr_fr_client.get("/es/cr/editor/guides/residencia/history/").content.decode()
    assert "Publicado" in html and "Borrador" in html and "editor-cr-fr" in html


def test_history_gives_times_in_the_countrys_time_zone(editor_cr_fr_client, residencia):
    _post_text(editor_cr_fr_client, save="1")
    # 04:30 UTC on the 29th is 22:30 on the 28th in Costa Rica
    Revision.objects.update(created_at=dt.datetime(2026, 11, 29, 4, 30, tzinfo=dt.UTC))
    html = editor_cr_fr_client.get("/es/cr/editor/guides/residencia/history/").content.decode()
    assert "28/11/2026 22:30" in html


# Translation freshness ---------------------------------------------------------------------------------


def test_a_translation_becomes_outdated_when_the_source_changes(cr):
    item = guide(cr, texts={"es": ("Residencia", "", "Texto uno."), "fr": ("Résidence", "", "Texte un.")})
    assert item.translation_state("es") == TranslationState.SOURCE
    assert item.translation_state("fr") == TranslationState.UP_TO_DATE
    assert item.translation_state("en") == TranslationState.MISSING

    item = publish_text(item=item, language="es", title="Residencia", summary="", body="Texto  uno.")
    assert item.translation_state("fr") == TranslationState.UP_TO_DATE  # only spacing changed

    item = publish_text(item=item, language="es", title="Residencia", summary="", body="Texto dos: nueva tasa.")
    assert item.translation_state("fr") == TranslationState.OUTDATED


def test_a_translation_started_before_the_source_changed_is_outdated_when_published(
    editor_cr_fr_client, reviewer_cr_fr_client, cr
):
    item = guide(cr, texts={"es": ("Residencia", "", "Texto uno.")})
    editor_cr_fr_client.get(EDIT_FR.replace("residencia", item.slug))
    _post_text(editor_cr_fr_client, submit="1")
    publish_text(item=item, language="es", title="Residencia", summary="", body="Texto dos.")
    revision = Revision.objects.get()
    reviewer_cr_fr_client.post(f"/es/cr/editor/revisions/{revision.pk}/publish/")
    assert Guide.objects.get().translation_state("fr") == TranslationState.OUTDATED


def test_the_status_page_shows_each_language_state(editor_cr_fr_client, cr):
    item = guide(
        cr, texts={"es": ("Residencia", "", "Uno."), "fr": ("Résidence", "", "Un."), "en": ("Res", "", "One.")}
    )
    publish_text(item=item, language="es", title="Residencia", summary="", body="Dos.")
    publish_text(item=Guide.objects.get(), language="en", title="Residence", summary="", body="Two.")
    html = editor_cr_fr_client.get("/es/cr/editor/").content.decode()
    assert "Al día: 1 · desactualizadas: 1 · faltan: 2." in html
    assert '<td class="state-outdated">' in html
    assert 'href="/es/cr/editor/guides/residencia/fr/edit/"' in html
    assert 'href="/es/cr/editor/guides/residencia/en/edit/"' not in html


def test_readers_see_whether_a_translation_matches_its_source(client, cr):
    item = guide(cr, texts={"es": ("Residencia", "", "Uno."), "en": ("Residence", "", "One.")})
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert "This translation matches the Spanish text of" in html
    publish_text(item=item, language="es", title="Residencia", summary="", body="Dos.")
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert "The Spanish text was updated after this translation was made" in html
    assert 'href="/es/cr/guides/residencia/" hreflang="es" lang="es">Español</a>' in html


def test_the_administrator_may_edit_every_language(residencia):
    from tests.factories import UserFactory

    admin = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    assert client.get("/es/cr/editor/guides/residencia/ht/edit/").status_code == 200
    assert country("PA")  # another country is fine for an administrator too
    assert client.get("/es/pa/editor/").status_code == 200


def test_the_staff_home_links_editors_to_their_countrys_translations(editor_cr_fr_client):
    html = editor_cr_fr_client.get("/es/staff/").content.decode()
    assert 'href="/es/cr/editor/"' in html and "Guías y traducciones: Costa Rica" in html


def test_an_editor_creates_a_guide_tied_to_a_pathway_and_writes_its_first_text(editor_cr_fr_client, cr, client):
    from tests.cases.factories import PathwayFactory

    pathway = PathwayFactory(country=cr, slug="refugio")
    form = editor_cr_fr_client.get("/es/cr/editor/new/").content.decode()
    assert "---------" not in form and '<option value="" selected>Ninguno</option>' in form
    response = editor_cr_fr_client.post(
        "/es/cr/editor/new/",
        {"kind": "guides", "slug": "pedir-refugio", "topic": "asylum", "source_language": "fr", "pathway": pathway.pk},
    )
    assert response.status_code == 302 and response["Location"] == "/es/cr/editor/guides/pedir-refugio/fr/edit/"
    created = Guide.objects.get(slug="pedir-refugio")
    assert created.pathway == pathway and created.source_language == "fr"
    assert client.get("/es/cr/guides/pedir-refugio/").status_code == 404  # nothing public yet


def test_the_new_item_form_keeps_bad_input(editor_cr_fr_client, residencia):
    data = {"kind": "guides", "slug": "residencia", "topic": "asylum", "source_language": "fr"}
    response = editor_cr_fr_client.post("/es/cr/editor/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Esta dirección ya se usa en este país." in html and 'value="residencia"' in html
    response = editor_cr_fr_client.post("/es/cr/editor/new/", {**data, "slug": "otra", "source_language": "es"})
    assert "Elija una opción válida. es no es una de las opciones disponibles." in response.content.decode()
    assert Guide.objects.count() == 1


def test_only_editors_of_the_country_may_create_items(staff_cr_client, editor_cr_fr_client, cr, pa):
    assert staff_cr_client.get("/es/cr/editor/new/").status_code == 403
    assert editor_cr_fr_client.get("/es/pa/editor/new/").status_code == 403
    assert editor_cr_fr_client.delete("/es/cr/editor/new/").status_code == 405


def test_the_status_page_counts_readers_answers(editor_cr_fr_client, client, residencia):
    same_site = {"HTTP_ORIGIN": "http://testserver"}
    client.post("/es/cr/feedback/", {"kind": "guides", "slug": "residencia", "useful": "yes"}, **same_site)
    client.post("/fr/cr/feedback/", {"kind": "guides", "slug": "residencia", "useful": "no"}, **same_site)
    assert "<td>1 / 1</td>" in editor_cr_fr_client.get("/es/cr/editor/").content.decode()


def test_the_edit_form_marks_the_text_in_its_language_and_the_labels_in_the_editors(editor_cr_fr_client, residencia):
    html = editor_cr_fr_client.get(EDIT_FR).content.decode()
    assert '<form method="post" lang="fr">' not in html  # the Spanish labels and buttons are not French
    for name in ("title", "summary", "body"):
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'lang="fr"' in tag
    assert 'lang="fr"' not in re.search(r'<input[^>]*name="note"[^>]*>', html).group(0)


def test_a_revision_sent_in_another_encoding_gets_a_message_instead_of_replacement_characters(
    editor_cr_fr_client, residencia
):
    # The browser sent Latin-1 bytes ("é" as 0xE9), not UTF-8: Django reads them as U+FFFD.
    body = "title=R%E9sidence+temporaire&summary=Comment&body=Rassemblez+vos+documents.&save=1"
    response = editor_cr_fr_client.post(EDIT_FR, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "caracteres que no se pudieron leer" in response.content.decode()
    assert not Revision.objects.exists()
