"""What the receiving window reads: only the parts chosen, in its staff's language, free text marked."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _page(client, user, handover, lang="en") -> str:
    client.force_login(user)
    response = client.get(f"/{lang}/staff/handovers/{handover.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_identity_only_shows_no_document_needs_history_or_note(client, send, staff_gt):
    page = _page(client, staff_gt, send(parts=["identity"]))
    assert "Ana Lucía Reyes Canario" in page
    for absent in ("Passport", "HN1234567", "Health", "Single parent", "Preparing", "Qzsecreta", "Kwreservada"):
        assert absent not in page, absent


def test_documents_show_kinds_but_never_numbers_unless_chosen(client, send, staff_gt, staff_hn, file_hn):
    from handovers import services

    page = _page(client, staff_gt, send(parts=["documents"]))
    assert "Passport" in page and "Pasaporte vigente" in page  # the kind, and the document received
    assert "HN1234567" not in page
    assert "Ana Lucía" not in page  # identity not chosen
    services.withdraw(handover=_last(), by=staff_hn)  # the same file may go again once this one stopped
    with_numbers = send(parts=["documents", "document_numbers"])
    assert "HN1234567" in _page(client, staff_gt, with_numbers)


def _last():
    from handovers.models import Handover

    return Handover.objects.order_by("-pk").first()


def test_numbers_alone_are_refused(send):
    from handovers.services import HandoverError

    with pytest.raises(HandoverError, match="numbers"):
        send(parts=["document_numbers"])


def test_needs_and_history_read_in_the_staff_language_with_free_text_marked(client, send, staff_gt):
    handover = send(parts=["needs", "history"])
    english = _page(client, staff_gt, handover, "en")
    assert (
        "Help with regularization procedures" in english
        and "Health care" in english
        and "Single parent with children" in english
    )
    assert "Preparing" in english
    # the pathway's name is the sending country's text, in its language
    assert '<span lang="es">Residencia temporal' in english
    spanish = _page(client, staff_gt, handover, "es")
    assert "En preparación" in spanish and "Preparing" not in spanish


def test_notes_are_shared_only_when_chosen_one_by_one(client, send, staff_gt, file_hn):
    handover = send(parts=["identity"], notes_shared=["case", f"follow_up:{file_hn['follow_up'].pk}"])
    page = _page(client, staff_gt, handover)
    assert '<span lang="es">Nota caso Kwreservada</span>' in page
    assert "Pxseguimiento" in page
    assert "Qzsecreta" not in page  # the person's notes were not ticked


def test_a_note_of_another_file_cannot_be_chosen(send):
    from handovers.services import HandoverError

    with pytest.raises(HandoverError):
        send(notes_shared=["follow_up:999999"])


def test_every_look_at_a_handover_is_audited(client, send, staff_gt):
    from cases.models import AuditEntry

    handover = send()
    _page(client, staff_gt, handover)
    _page(client, staff_gt, handover)
    views = AuditEntry.objects.filter(object_type="handovers.handover", object_id=str(handover.pk), action="view")
    assert views.count() == 2
    assert views.first().person_id == handover.person_id
