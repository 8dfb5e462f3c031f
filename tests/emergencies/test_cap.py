"""CAP 1.2: every bulletin an emergency publishes is a valid alert under the OASIS schema, and the Atom index
of a country lists them in the reader's language."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from django.test import Client

from emergencies import services
from tests.factories import WindowFactory, country

from .factories import declare

pytestmark = pytest.mark.django_db

SCHEMA = xmlschema.XMLSchema(Path(__file__).resolve().parents[2] / "emergencies" / "schemas" / "CAP-v1.2.xsd")
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def history():
    """An emergency declared in Kreyòl, translated into French, corrected, then ended: four bulletins."""
    ht = country("HT")
    WindowFactory(country=ht, region="Ouest", slug="pap")
    WindowFactory(country=ht, region="Nord", slug="cap")
    emergency = declare(ht, regions=["Ouest", "Nord"], expected_end_at=None)
    officer = emergency.declared_by
    services.write_text(
        emergency=emergency,
        by=officer,
        language="fr",
        title="Ouragan : restez chez vous",
        instructions="Ne sortez pas.",
    )
    services.correct(emergency=emergency, by=officer, severity="Extreme", hotlines="+509 2943 0000 Protection civile")
    services.end(emergency=emergency, by=officer)
    return emergency


def parse(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - the portal's own answer in a test, not a stranger's file


def alert(emergency, number: int) -> bytes:
    response = Client().get(f"/ht/ht/emergencies/{emergency.pk}/cap/{number}.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cap+xml")
    return response.content


def test_every_bulletin_is_a_valid_cap_1_2_alert(history):
    assert history.bulletins.count() == 4
    for number in range(1, 5):
        body = alert(history, number)
        errors = list(SCHEMA.iter_errors(body.decode()))
        assert errors == [], (number, errors[:1])


def test_the_schema_refuses_a_broken_alert_so_the_check_above_means_something(history):
    body = alert(history, 1).decode().replace("<status>Actual</status>", "<status>Maybe</status>")
    assert not SCHEMA.is_valid(body)


def test_each_change_refers_to_the_earlier_ones_and_the_end_cancels(history):
    first = parse(alert(history, 1))
    last = parse(alert(history, 4))
    assert first.findtext(f"{CAP}msgType") == "Alert" and first.find(f"{CAP}references") is None
    assert last.findtext(f"{CAP}msgType") == "Cancel"
    identifier = first.findtext(f"{CAP}identifier")
    references = last.findtext(f"{CAP}references").split()
    assert len(references) == 3 and references[0].split(",")[1] == identifier
    assert {info.findtext(f"{CAP}urgency") for info in last.iter(f"{CAP}info")} == {"Past"}


def test_an_alert_speaks_each_language_it_was_written_in_and_names_the_area(history):
    second = parse(alert(history, 2))
    infos = {info.findtext(f"{CAP}language"): info for info in second.iter(f"{CAP}info")}
    assert set(infos) == {"ht", "fr"}
    assert infos["fr"].findtext(f"{CAP}headline") == "Ouragan : restez chez vous"
    assert infos["fr"].findtext(f"{CAP}event") == "Ouragan"
    assert infos["fr"].findtext(f"{CAP}web").endswith(f"/fr/ht/emergencies/{history.pk}/")
    assert infos["ht"].findtext(f"{CAP}area/{CAP}areaDesc") == "Ouest, Nord"
    assert second.findtext(f"{CAP}sent").endswith("-05:00") or second.findtext(f"{CAP}sent").endswith("-04:00")


def test_the_atom_index_lists_the_countrys_alerts_in_the_readers_language(history):
    response = Client().get("/fr/ht/emergencies/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 4
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert links[0].endswith(f"/fr/ht/emergencies/{history.pk}/cap/4.xml")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles[0] == "Ouragan : restez chez vous"
    assert titles[-1] == "Ouragan Mélissa: rete lakay ou"  # before the translation, in Kreyòl
    country("DO")
    elsewhere = parse(Client().get("/es/do/emergencies/feed.atom").content)
    assert elsewhere.findall(f"{ATOM}entry") == []
