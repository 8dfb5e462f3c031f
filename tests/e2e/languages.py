"""What a page says, and in which language: its text (and the attributes a screen reader reads) with the
language each piece is marked with, and the strings of the catalogs that give another language away.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import django
import html5lib
import polib

from .htmlcheck import NS

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["es", "en", "fr", "nl", "ht"]
DJANGO_LOCALE = [
    Path(django.__file__).parent / "conf" / "locale",
    Path(django.__file__).parent / "contrib" / "auth" / "locale",
]
SKIP = {"script", "style", "template", "head"}
READ_ATTRS = ("aria-label", "title", "alt", "placeholder")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[^}]*\}")


def texts(html: str, page_lang: str | None = None) -> list[tuple[str, str]]:
    """(text, language) of each piece of text and each read attribute; the language is that of the nearest
    element with a lang."""
    root = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=True)
    out: list[tuple[str, str]] = []

    def walk(element, lang):
        tag = element.tag.replace(NS, "") if isinstance(element.tag, str) else ""
        if not tag or tag in SKIP:
            if element.tail and element.tail.strip():
                out.append((element.tail.strip(), lang_outer[-1]))
            return
        lang_here = element.get("lang") or lang
        lang_outer.append(lang_here)
        for attr in READ_ATTRS:
            if element.get(attr):
                out.append((element.get(attr), lang_here))
        if tag == "input" and element.get("type") in {"submit", "button"} and element.get("value"):
            out.append((element.get("value"), lang_here))
        if element.text and element.text.strip():
            out.append((element.text.strip(), lang_here))
        for child in element:
            walk(child, lang_here)
        lang_outer.pop()
        if element.tail and element.tail.strip():
            out.append((element.tail.strip(), lang))

    lang_outer = [page_lang or ""]
    walk(root, page_lang or "")
    return out


def _segments(text: str) -> list[str]:
    """The parts of a catalog string between its placeholders that are long enough to name a language."""
    return [part.strip() for part in PLACEHOLDER.split(text) if len(part.strip()) >= 14 and " " in part.strip()]


@cache
def _catalogs() -> dict[str, dict[str, str]]:
    """language -> {msgid: msgstr} over every catalog of the portal."""
    out: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for po_path in ROOT.glob("*/locale/*/LC_MESSAGES/django.po"):
        lang = po_path.parts[-3]
        if lang in out and ".venv" not in po_path.parts:
            for entry in polib.pofile(str(po_path)):
                if entry.msgstr and not entry.obsolete:
                    out[lang][entry.msgid] = entry.msgstr
    for lang in ("es", "fr", "nl"):  # what Django itself would show in that language (no Kreyòl in Django)
        for base in DJANGO_LOCALE:
            path = base / lang / "LC_MESSAGES" / "django.po"
            if path.exists():
                for entry in polib.pofile(str(path)):
                    if entry.msgstr and entry.msgid in out["en"]:
                        out[lang].setdefault("django:" + entry.msgid, entry.msgstr)
    return out


@cache
def foreign_strings(lang: str) -> dict[str, str]:
    """Lower-cased strings that belong to a language other than ``lang`` -> that language. A string that
    ``lang`` also uses (names, words shared by two languages) is not foreign."""
    catalogs = _catalogs()
    own = {seg.lower() for text in catalogs[lang].values() for seg in _segments(text)}
    if lang == "en":
        own |= {seg.lower() for msgid in catalogs["en"] for seg in _segments(msgid)}
    foreign: dict[str, str] = {}
    for other in LANGS:
        if other == lang:
            continue
        sources = list(catalogs[other].values())
        if other == "en":
            sources += [msgid for msgid in catalogs["en"] if not msgid.startswith("django:")]
        for text in sources:
            for seg in _segments(text):
                if seg.lower() not in own:
                    foreign.setdefault(seg.lower(), other)
    return foreign


def wrong_language(html: str, lang: str) -> list[str]:
    """Text in the page's language that is in fact a string of another language (and carries no lang).

    The portal's name is a proper name, the same in every language."""
    from django.conf import settings

    chunks = [" ".join(text.lower().split()) for text, marked in texts(html, lang) if marked.split("-")[0] == lang]
    chunks = [chunk.replace(settings.PORTAL_NAME.lower(), "") for chunk in chunks]
    whole = "\n".join(chunks)
    found = []
    for seg, other in foreign_strings(lang).items():
        if seg in whole:
            chunk = next((c for c in chunks if seg in c), seg)
            found.append(f"“{chunk[:90]}” reads as {other}: “{seg}”")
    return found
