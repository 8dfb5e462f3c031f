"""Demo content of the hub, read from data/demo/ (guides.json, articles.json, faq.json, alerts.json): two or
more guides and one article per country, a guide in all five languages, a question per country and two
alerts. All of it is sample content, marked as such on every page.

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
from ventanillas.reference import read_data

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


def _texts(texts: dict[str, dict]) -> dict[str, tuple[str, str, str]]:
    """{lang: {"title", "summary", "body": [lines]}} -> {lang: (title, summary, body)}."""
    return {lang: (text["title"], text["summary"], "\n".join(text["body"])) for lang, text in texts.items()}


def _publish(item: Content, source: str, texts: dict[str, tuple[str, str, str]]) -> None:
    for language in sorted(texts, key=lambda code: code != source):
        title, summary, body = texts[language]
        if (item.raw("title", language), item.raw("summary", language), item.raw("body", language)) != texts[language]:
            item = publish_text(item=item, language=language, title=title, summary=summary, body=body)


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    countries = {c.code: c for c in Country.objects.all()}
    guides = linked = 0
    for data in read_data("demo/guides.json")["guides"]:
        if data["country"] not in countries:
            continue
        country = countries[data["country"]]
        pathway = _pathway(country, data["pathway"]["slugs"], data["pathway"]["keyword"])
        guide, _created = Guide.objects.update_or_create(
            country=country,
            slug=data["slug"],
            defaults={
                "topic": data["topic"],
                "source_language": data["source_language"],
                "is_sample": True,
                "review_due": REVIEW_DUE,
                "pathway": pathway,
            },
        )
        _publish(guide, data["source_language"], _texts(data["texts"]))
        if pathway is not None:
            refresh_pathway_guides(pathway)  # the index holds its steps and fees, which may have changed
        guides += 1
        linked += pathway is not None
    articles = 0
    for data in read_data("demo/articles.json")["articles"]:
        texts = _texts(data["texts"])
        for place in data["published_in"]:
            code, language = place["country"], place["language"]
            articles += 1
            if code not in countries:
                continue
            article, _created = Article.objects.update_or_create(
                country=countries[code],
                slug=data["slug"][language],
                defaults={
                    "topic": data["topic"],
                    "source_language": language,
                    "is_sample": True,
                    "review_due": REVIEW_DUE,
                },
            )
            _publish(article, language, {language: texts[language]})
    for entry in read_data("demo/faq.json")["entries"]:
        for country in countries.values():
            fields = {}
            for language in country.public_languages:
                fields[f"question_{language}"] = entry["texts"][language]["question"]
                fields[f"answer_{language}"] = entry["texts"][language]["answer"]
            FaqEntry.objects.update_or_create(
                country=country, order=entry["order"], defaults={"is_sample": True, **fields}
            )
    now = timezone.now()
    alerts = read_data("demo/alerts.json")["alerts"]
    for data in alerts:
        code, texts = data["country"], data["texts"]
        country = countries.get(code) if code else None
        if code and country is None:
            continue
        fields = {f"title_{lang}": text["title"] for lang, text in texts.items()}
        fields |= {f"body_{lang}": text["body"] for lang, text in texts.items()}
        first_language = next(iter(texts))
        Alert.objects.update_or_create(
            country=country,
            **{f"title_{first_language}": texts[first_language]["title"]},
            defaults={
                "severity": data["severity"],
                "starts_at": now - timedelta(days=data["started_days_ago"]),
                "ends_at": now + timedelta(days=data["lasts_days"]) if data["lasts_days"] else None,
                "is_sample": True,
                **fields,
            },
        )
    if stdout:
        stdout.write(f"  hub: {guides} guides ({linked} tied to a pathway), {articles} articles, {len(alerts)} alerts")
    return []
