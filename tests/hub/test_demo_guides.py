"""The whole demo, loaded as `load_demo` does, read guide by guide as a migrant would in each public language."""

from __future__ import annotations

import re

import pytest

from cases import demo as cases_demo
from cases.models import PathwayFact
from hub import demo as hub_demo
from hub.models import Guide
from ventanillas import demo as ventanillas_demo

TRANSLATED = {"text", "applies_to", "note"}

# Loading the whole demo (hundreds of encrypted cases) takes minutes on a busy machine: the module's first test
# pays for it.
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ventanillas_demo.load()
        cases_demo.load()
        hub_demo.load()
        yield
        # The module's data would leak into other test modules: remove it in dependency order.
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def guides(demo, db):
    return list(Guide.objects.select_related("country", "pathway").order_by("country__code", "slug"))


def test_every_demo_guide_exists_in_every_public_language_of_its_country(guides):
    for guide in guides:
        missing = [code for code in guide.country.public_languages if code not in guide.languages()]
        assert not missing, f"{guide.country.code}/{guide.slug} lacks {missing}"
        for code in guide.country.public_languages:
            assert guide.raw("summary", code), f"{guide.country.code}/{guide.slug} has no {code} summary"


def test_every_demo_pathway_fact_is_written_in_every_public_language_of_its_country(guides):
    for guide in guides:
        pathway = guide.pathway
        if pathway is None:
            continue
        where = f"{guide.country.code}/{pathway.slug}"
        for code in guide.country.public_languages:
            assert getattr(pathway, f"name_{code}") and getattr(pathway, f"eligibility_{code}"), (where, code)
            for step in pathway.steps.all():
                assert getattr(step, f"title_{code}"), (where, code, step.order)
            for document in pathway.documents.all():
                assert getattr(document, f"name_{code}"), (where, code, document.order)
                assert not document.applies_to or getattr(document, f"applies_to_{code}"), (where, code)
            for fact in pathway.facts.all():
                for name in TRANSLATED:
                    if any(getattr(fact, f"{name}_{other}") for other in guide.country.public_languages):
                        assert getattr(fact, f"{name}_{code}"), (where, code, fact.kind, fact.order, name)


def test_every_demo_fact_has_a_status_a_source_and_a_check_date(demo, db):
    facts = list(PathwayFact.objects.all())
    assert facts
    for fact in facts:
        assert fact.status and fact.source_name and fact.checked_on, fact
        fact.full_clean()  # an "applies only to" names whom; a confirmed fact has its source and date


def _facts_on(html: str) -> list[str]:
    return re.findall(r'<li class="fact".*?</li>', html, flags=re.S)


def test_every_demo_guide_page_shows_each_fact_with_its_status_and_no_demo_figure_as_measured(client, guides):
    for guide in guides:
        for code in guide.country.public_languages:
            url = f"/{code}{guide.get_absolute_url()[3:]}"
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert 'class="demo-banner"' in html, url
            assert "real median" not in html and "mediana real" not in html, url
            if guide.pathway is None:
                continue
            shown = _facts_on(html)
            expected = guide.pathway.facts.count() + guide.pathway.documents.count()
            assert len(shown) == expected, (url, len(shown), expected)
            assert all("data-status=" in item for item in shown), url


def test_no_guide_text_repeats_a_fee_of_its_facts_box(guides):
    """The fee box and the text come from one fact: a figure copied into the text would drift from it."""
    for guide in guides:
        if guide.pathway is None:
            continue
        for fact in guide.pathway.facts.filter(kind="fee", amount__gt=0):
            amount = int(fact.amount)
            pattern = re.compile(
                rf"(?<![\d.,]){amount // 1000}[\s.,\u202f]?{amount % 1000:03d}\b|(?<![\d.,]){amount}\b"
            )
            for code in guide.languages():
                assert not pattern.search(guide.raw("body", code)), (guide.slug, code, amount)


@pytest.mark.parametrize("country", ["do", "mx", "pa"])
def test_a_haitian_reader_finds_current_kreyol_guides(client, demo, db, country):
    html = client.get(f"/ht/{country}/").content.decode()
    guides = re.search(r'id="guides".*?</ul>', html, flags=re.S).group(0)
    kreyol = [item for item in re.findall(r"<li.*?</li>", guides, flags=re.S) if 'lang="' not in item]
    assert kreyol, f"no guide in Kreyòl on /ht/{country}/"
    assert "Plan Nòmalizasyon" in guides or country != "do"
