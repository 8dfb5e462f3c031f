"""Four eyes: a text is published by an editor other than the one who wrote it; a country may let an editor
publish an emergency alert alone, and the history says who did what."""

from __future__ import annotations

import pytest

from hub.models import Guide, Revision, RevisionStatus
from tests.hub.factories import guide

pytestmark = pytest.mark.django_db

EDIT_FR = "/es/cr/editor/guides/residencia/fr/edit/"
TEXT = {"title": "Résidence temporaire", "summary": "Comment la demander.", "body": "Rassemblez vos documents."}


@pytest.fixture
def in_review(cr, editor_cr_fr_client):
    guide(cr)
    editor_cr_fr_client.post(EDIT_FR, {**TEXT, "submit": "1"})
    return Revision.objects.get()


def _publish(client, revision, **data):
    return client.post(f"/es/cr/editor/revisions/{revision.pk}/publish/", data, follow=True)


def test_the_writer_cannot_publish_their_own_text(editor_cr_fr_client, in_review, client):
    page = editor_cr_fr_client.get(f"/es/cr/editor/revisions/{in_review.pk}/").content.decode()
    assert "/publish/" not in page and "Otro editor de este idioma publica lo que usted escribió" in page

    html = _publish(editor_cr_fr_client, in_review).content.decode()

    assert "Otro editor debe revisar y publicar este texto" in html
    in_review.refresh_from_db()
    assert in_review.status == RevisionStatus.IN_REVIEW
    assert Guide.objects.get().raw("title", "fr") == ""


def test_an_editor_who_changed_the_text_in_review_cannot_publish_it_either(
    editor_cr_fr_client, reviewer_cr_fr_client, in_review
):
    reviewer_cr_fr_client.post(EDIT_FR, {**TEXT, "title": "Résidence temporaire (corrigée)", "submit": "1"})
    in_review.refresh_from_db()
    assert in_review.edited_by.username == "reviewer-cr-fr"

    _publish(reviewer_cr_fr_client, in_review)
    in_review.refresh_from_db()
    assert in_review.status == RevisionStatus.IN_REVIEW

    _publish(editor_cr_fr_client, in_review)  # the first writer now reviews the second's change
    in_review.refresh_from_db()
    assert in_review.status == RevisionStatus.PUBLISHED and not in_review.published_alone


def test_the_history_shows_who_wrote_sent_and_published(editor_cr_fr_client, reviewer_cr_fr_client, in_review):
    _publish(reviewer_cr_fr_client, in_review)
    html = editor_cr_fr_client.get("/es/cr/editor/guides/residencia/history/").content.decode()
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert row.count("editor-cr-fr") == 3  # author, last edit, sent for review
    assert "(reviewer-cr-fr)" in row
    assert "publicado en solitario" not in row


def test_an_emergency_alert_may_be_published_alone_where_the_country_allows_it(
    editor_cr_fr_client, in_review, cr, client
):
    assert _publish(editor_cr_fr_client, in_review, emergency="1").status_code == 200
    in_review.refresh_from_db()
    assert in_review.status == RevisionStatus.IN_REVIEW  # the country does not allow it yet

    cr.solo_emergency_publishing = True
    cr.save()
    page = editor_cr_fr_client.get(f"/es/cr/editor/revisions/{in_review.pk}/").content.decode()
    assert 'name="emergency"' in page and "required" in page

    _publish(editor_cr_fr_client, in_review)  # without saying it is an emergency: still refused
    in_review.refresh_from_db()
    assert in_review.status == RevisionStatus.IN_REVIEW

    _publish(editor_cr_fr_client, in_review, emergency="1")
    in_review.refresh_from_db()
    assert in_review.status == RevisionStatus.PUBLISHED and in_review.published_alone
    assert "Résidence temporaire" in client.get("/fr/cr/guides/residencia/").content.decode()
    history = editor_cr_fr_client.get("/es/cr/editor/guides/residencia/history/").content.decode()
    assert "publicado en solitario en una emergencia" in history
