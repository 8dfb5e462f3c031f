"""Demo content of the hub: two or more guides and one article per country, a guide in all five languages,
a question per country and two alerts. All of it is sample content, marked as such on every page.

Idempotent: items are found by (country, slug) and published again only where their text changed. Guides
are tied to the demo pathways of the cases app when those exist (found by country and slug, or by a word
of their name); without them the guides still load.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ventanillas.models import Country

from .demo_content import ALERTS, ARTICLES, FAQ, GUIDES, RISKS_ES
from .models import Alert, Article, Content, FaqEntry, Guide
from .search import refresh_pathway_guides
from .services import publish_text

REVIEW_DUE = date(2027, 2, 28)


def _pathway(country: Country, slugs: list[str], keyword: str):
    try:
        from cases.models import RegularizationPathway
    except ImportError:  # the cases app is optional for the hub
        return None
    pathways = RegularizationPathway.objects.filter(country=country)
    found = pathways.filter(slug__in=slugs).first()
    if found is None and keyword:
        found = pathways.filter(Q(name_es__icontains=keyword) | Q(name_en__icontains=keyword)).first()
    return found


def _publish(item: Content, source: str, texts: dict[str, tuple[str, str, str]]) -> None:
    for language in sorted(texts, key=lambda code: code != source):
        title, summary, body = texts[language]
        if (item.raw("title", language), item.raw("summary", language), item.raw("body", language)) != texts[language]:
            item = publish_text(item=item, language=language, title=title, summary=summary, body=body)


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    countries = {c.code: c for c in Country.objects.all()}
    guides = linked = 0
    for code, slug, topic, (slugs, keyword), source, texts in GUIDES:
        if code not in countries:
            continue
        country = countries[code]
        pathway = _pathway(country, slugs, keyword)
        guide, _created = Guide.objects.update_or_create(
            country=country,
            slug=slug,
            defaults={
                "topic": topic,
                "source_language": source,
                "is_sample": True,
                "review_due": REVIEW_DUE,
                "pathway": pathway,
            },
        )
        _publish(guide, source, texts)
        if pathway is not None:
            refresh_pathway_guides(pathway)  # the index holds its steps and fees, which may have changed
        guides += 1
        linked += pathway is not None
    for code, slug, topic, source, texts in ARTICLES:
        if code not in countries:
            continue
        article, _created = Article.objects.update_or_create(
            country=countries[code],
            slug=slug,
            defaults={"topic": topic, "source_language": source, "is_sample": True, "review_due": REVIEW_DUE},
        )
        _publish(article, source, texts or {"es": RISKS_ES})
    for country in countries.values():
        fields = {}
        for language in country.public_languages:
            fields[f"question_{language}"], fields[f"answer_{language}"] = FAQ[language]
        FaqEntry.objects.update_or_create(country=country, order=1, defaults={"is_sample": True, **fields})
    now = timezone.now()
    for code, _key, severity, started, lasts, texts in ALERTS:
        country = countries.get(code) if code else None
        if code and country is None:
            continue
        fields = {f"title_{lang}": title for lang, (title, _body) in texts.items()}
        fields |= {f"body_{lang}": body for lang, (_title, body) in texts.items()}
        first_language = next(iter(texts))
        Alert.objects.update_or_create(
            country=country,
            **{f"title_{first_language}": texts[first_language][0]},
            defaults={
                "severity": severity,
                "starts_at": now + timedelta(days=started),
                "ends_at": now + timedelta(days=lasts) if lasts else None,
                "is_sample": True,
                **fields,
            },
        )
    if stdout:
        stdout.write(
            f"  hub: {guides} guides ({linked} tied to a pathway), {len(ARTICLES)} articles, {len(ALERTS)} alerts"
        )
    return []
