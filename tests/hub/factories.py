"""Factories for the hub's tests: published guides and articles, alerts, editors."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hub.models import Alert, Article, Guide
from hub.services import publish_text
from tests.factories import Role, UserFactory, member


def guide(country, slug="residencia", *, texts=None, model=Guide, source="es", **fields):
    """A guide published in each language of ``texts`` ({lang: (title, summary, body)}), source first."""
    texts = texts or {"es": ("Residencia temporal", "Cómo pedirla.", "Reúna sus documentos.")}
    item, _created = model.objects.get_or_create(
        country=country, slug=slug, defaults={"source_language": source, **fields}
    )
    for language in sorted(texts, key=lambda code: code != source):
        title, summary, body = texts[language]
        item = publish_text(item=item, language=language, title=title, summary=summary, body=body)
    return item


def article(country, slug="riesgos", **kwargs):
    return guide(country, slug, model=Article, **kwargs)


def alert(country, *, title="Cierre de frontera", starts=-1, ends=1, **fields):
    now = timezone.now()
    return Alert.objects.create(
        country=country,
        title=title,
        title_es=title,
        starts_at=now + timedelta(days=starts),
        ends_at=None if ends is None else now + timedelta(days=ends),
        **fields,
    )


def editor(country, language, username=None):
    user = UserFactory(username=username or f"editor-{country.code.lower()}-{language}")
    member(user, Role.CONTENT_EDITOR, country_obj=country, language=language)
    return user
