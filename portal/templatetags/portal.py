from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info

from helpers import dates

register = template.Library()


@lru_cache(maxsize=1024)
def _translated(path: str, code: str, prefix: str, urlconf: str | None) -> str:
    return translate_url(path, code)


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    _translated.cache_clear()


def _translate_url(path: str, code: str) -> str:
    """``translate_url``, remembered by the process: the same address gives the same link in each language
    until the next deployment, and resolving it and reversing it under five prefixes cost a tenth of a rendered
    guide. The script prefix and URLconf take part, as they take part in the link."""
    return _translated(path, code, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@register.inclusion_tag("portal/_language_switcher.html", takes_context=True)
def language_switcher(context: template.Context) -> dict[str, object]:
    """Links to the same page in each language the page really has.

    A view says which languages its page has with ``page_languages`` (a country's public languages, the
    languages a guide is translated into); without it every portal language is offered, since every
    interface string exists in all of them.
    """
    request = context.get("request")
    offered = context.get("page_languages") or [code for code, _name in settings.LANGUAGES]
    current = get_language()
    links = []
    for code in offered:
        info = get_language_info(code)
        path = request.get_full_path() if request else "/"
        links.append(
            {
                "code": code,
                "name": capfirst(info["name_local"]),
                "url": _translate_url(path, code),
                "current": code == current,
            }
        )
    return {"links": links, "current": current}


@register.inclusion_tag("portal/_alternates.html", takes_context=True)
def alternate_links(context: template.Context) -> dict[str, object]:
    """``<link rel="alternate" hreflang>`` to the same page in each language it has (the languages the switcher
    offers), so that search engines send each reader to their own. Guides and articles list their real
    translations themselves (``alternates``, hub/_head.html)."""
    request = context.get("request")
    if request is None or "alternates" in context:
        return {"links": []}
    offered = context.get("page_languages") or [code for code, _name in settings.LANGUAGES]
    base = f"{request.scheme}://{request.get_host()}"
    return {"links": [(code, base + _translate_url(request.path, code)) for code in offered]}


@register.filter
def weekday_and_day(value) -> str:
    """ "E.g. "lunes 30 de noviembre", "Monday December 30", "lendi 30 novanm": the weekday and the day of the month
    in each language's own order (its MONTH_DAY_FORMAT), not one order glued for all."""
    from django.utils.formats import date_format

    if not value:
        return ""
    return f"{date_format(value, 'l')} {date_format(value, 'MONTH_DAY_FORMAT')}"


register.filter("full_date", dates.full_date)


@register.filter
def day_and_month(value) -> str:
    """The day and month in the language's own form: "28 de febrero", "28 février", "28 February"."""
    from django.utils.formats import date_format

    if not value:
        return ""
    return date_format(value, "j F" if get_language() == "en" else "MONTH_DAY_FORMAT")
