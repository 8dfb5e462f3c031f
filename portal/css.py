"""The portal's one stylesheet: the part of Bootstrap the pages use, then the portal's own additions.

Bootstrap's full CSS is 230 KB (31 KB compressed), most of a first visit on a phone, and a page uses a
small part of it. `python manage.py build_css` keeps the rules whose selectors name only classes that appear
somewhere in the templates or the Python code of the portal (and of crispy-bootstrap5, which draws the
forms), drops the custom properties nothing reads, appends `static/portal/portal.css`, and writes
`static/portal/site.css`, which is committed; `tests/portal/test_css.py` fails when it is not current.

A class that is only ever built at run time from pieces (``alert-{{ severity }}``) is listed in `DYNAMIC`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

BOOTSTRAP = Path(__import__("bootstrap").__file__).parent / "static" / "bootstrap" / "css" / "bootstrap.min.css"
OWN = settings.BASE_DIR / "static" / "portal" / "portal.css"
OUTPUT = settings.BASE_DIR / "static" / "portal" / "site.css"
# Classes put together in templates from a prefix and a value (message levels, alert severities).
DYNAMIC = {"alert-info", "alert-success", "alert-warning", "alert-danger"}

# crispy-bootstrap5 templates of layout objects the portal's forms never use (accordions, modals, tabs,
# floating labels, switches, formsets): their classes would keep whole Bootstrap components.
UNUSED_CRISPY = re.compile(r"accordion|modal|tab|floating|switch|alert|prepended|with_buttons|formset|betterform")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
_DATA_ATTR = re.compile(r"\[(data-[a-z-]+)")
_WORD = re.compile(r"[A-Za-z0-9_-]+")
_VAR_USE = re.compile(r"var\((--[A-Za-z0-9_-]+)")


def source_files() -> list[Path]:
    """The templates and Python modules whose words may name a class."""
    import crispy_bootstrap5

    roots = [
        settings.BASE_DIR / app
        for app in ["portal", "helpers", "accounts", "pagecache", "templates", *settings.PORTAL_APPS]
    ]
    files = []
    for root in roots:
        files += [
            p for p in root.rglob("*") if p.suffix in {".html", ".py", ".txt", ".js"} and "migrations" not in p.parts
        ]
    files += list((settings.BASE_DIR / "static").rglob("*.js"))  # scripts that set classes
    files = [p for p in files if p.name not in {"css.py", "build_css.py"}]  # they name classes to leave out
    crispy = Path(crispy_bootstrap5.__file__).parent / "templates" / "bootstrap5"
    files += [p for p in crispy.rglob("*.html") if not UNUSED_CRISPY.search(p.name)]
    return sorted(files)


def used_words(files: Iterable[Path]) -> set[str]:
    words = set(DYNAMIC)
    for path in files:
        words.update(_WORD.findall(path.read_text(encoding="utf-8")))
    return words


# --- a small CSS reader: enough for Bootstrap's minified file ----------------------------------------------


def _blocks(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, body) pairs; a statement without a body (``@charset``) has body ``None``."""
    out, i, n = [], 0, len(css)
    while i < n:
        start, quote = i, None
        while i < n:
            ch = css[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "/" and css.startswith("/*", i):
                i = css.index("*/", i) + 1
            elif ch in "{;":
                break
            i += 1
        prelude = re.sub(r"/\*.*?\*/", "", css[start:i], flags=re.S).strip()
        if i >= n:
            break
        if css[i] == ";":
            if prelude:
                out.append((prelude, None))
            i += 1
            continue
        depth, j, quote = 1, i + 1, None
        while depth:
            ch = css[j]
            if quote:
                if ch == "\\":
                    j += 1
                elif ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            j += 1
        out.append((prelude, css[i + 1 : j - 1]))
        i = j
    return out


def _split(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside strings and parentheses."""
    parts, depth, quote, current = [], 0, None, []
    for index, ch in enumerate(text):
        if quote:
            if ch == quote and text[index - 1] != "\\":
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _selector_used(selector: str, words: set[str]) -> bool:
    classes = _CLASS.findall(re.sub(r"\[[^\]]*\]", "", selector))
    return all(c in words for c in classes) and all(a in words for a in _DATA_ATTR.findall(selector))


def _keep(blocks, words) -> list:
    kept = []
    for prelude, body in blocks:
        if body is None:
            kept.append((prelude, None))
        elif prelude.startswith(("@media", "@supports", "@container", "@layer")):
            inner = _keep(_blocks(body), words)
            if inner:
                kept.append((prelude, inner))
        elif prelude.startswith("@"):
            kept.append((prelude, body))  # keyframes and the like: pruned below if nothing names them
        else:
            selectors = [s for s in _split(prelude, ",") if _selector_used(s, words)]
            if selectors:
                kept.append((",".join(selectors), body))
    return kept


def _walk(blocks):
    for prelude, body in blocks:
        if isinstance(body, list):
            yield from _walk(body)
        else:
            yield prelude, body


def _prune_properties(blocks, used: set[str]) -> list:
    out = []
    for prelude, body in blocks:
        if isinstance(body, list):
            inner = _prune_properties(body, used)
            if inner:
                out.append((prelude, inner))
        elif body is None or prelude.startswith("@keyframes"):
            out.append((prelude, body))
        else:
            declarations = [d for d in _split(body, ";") if not d.startswith("--") or d.split(":", 1)[0] in used]
            if declarations:
                out.append((prelude, ";".join(declarations)))
    return out


def _serialise(blocks) -> str:
    parts = []
    for prelude, body in blocks:
        if body is None:
            parts.append(prelude + ";")
        elif isinstance(body, list):
            parts.append(prelude + "{" + _serialise(body) + "}")
        else:
            parts.append(prelude + "{" + body + "}")
    return "".join(parts)


def purge(css: str, words: set[str]) -> str:
    blocks = _keep(_blocks(css), words)
    # Custom properties: keep those that a kept declaration reads, directly or through another property.
    own = OWN.read_text(encoding="utf-8")
    while True:
        text = _serialise(blocks)
        used = set(_VAR_USE.findall(text + own))
        pruned = _prune_properties(blocks, used)
        if pruned == blocks:
            break
        blocks = pruned
    animations = set(re.findall(r"animation(?:-name)?:\s*([A-Za-z0-9_-]+)", _serialise(blocks)))
    blocks = [(p, b) for p, b in blocks if not p.startswith("@keyframes") or p.split()[1] in animations]
    return _serialise(blocks)


def build() -> str:
    bootstrap = BOOTSTRAP.read_text(encoding="utf-8")
    licence = re.match(r"\s*(/\*!.*?\*/)", bootstrap, flags=re.S)
    header = (
        "/* Generated by `python manage.py build_css` from Bootstrap's CSS (the rules the portal's pages use)"
        " and static/portal/portal.css. Do not edit: edit portal.css and rebuild. */\n"
    )
    return (
        header
        + (licence.group(1) + "\n" if licence else "")
        + purge(bootstrap, used_words(source_files()))
        + ("\n" + OWN.read_text(encoding="utf-8"))
    )
