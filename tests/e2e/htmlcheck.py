"""HTML validity without Java: the WHATWG parser's own errors (html5lib) plus the validator rules the portal's
pages could break (those the Nu Html Checker reports as errors for markup like ours).

`problems(html)` returns readable messages, empty for a valid page.
"""

from __future__ import annotations

import re
from collections import Counter

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"
# Allowed children of elements whose content model is a fixed list (script-supporting elements always are).
CHILDREN = {
    "ul": {"li"},
    "ol": {"li"},
    "menu": {"li"},
    "dl": {"dt", "dd", "div"},
    "tr": {"td", "th"},
    "thead": {"tr"},
    "tbody": {"tr"},
    "tfoot": {"tr"},
    "table": {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"},
    "select": {"option", "optgroup", "hr"},
    "optgroup": {"option"},
}
SCRIPTING = {"script", "template"}
INTERACTIVE = {"a", "button", "select", "textarea", "label", "details", "iframe"}
NOT_EMPTY = {"id", "name", "for", "href", "action", "lang", "hreflang", "type", "method", "src"}
OBSOLETE = {"center", "font", "marquee", "big", "tt", "strike", "frame", "frameset", "acronym", "applet", "basefont"}
OBSOLETE_ATTRS = {"align", "bgcolor", "border", "cellpadding", "cellspacing", "valign", "width"}
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
INPUT_TYPES = {
    "hidden", "text", "search", "tel", "url", "email", "password", "date", "month", "week", "time",
    "datetime-local", "number", "range", "color", "checkbox", "radio", "file", "submit", "image", "reset", "button",
}  # fmt: skip


def _tag(element) -> str:
    """The HTML element's name; "" for comments and for SVG or MathML elements (other rules)."""
    if not isinstance(element.tag, str) or not element.tag.startswith(NS):
        return ""
    return element.tag.replace(NS, "")


def problems(html: str) -> list[str]:
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=True)
    root = parser.parse(html)
    found = []
    for (line, col), code, data in parser.errors:
        found.append(f"parse error at {line}:{col}: {code} {data or ''}".strip())
    if not html.lstrip().lower().startswith("<!doctype html>"):
        found.append("the page does not start with <!doctype html>")

    elements = list(root.iter())
    ids = Counter(e.get("id") for e in elements if e.get("id"))
    found += [f"id “{i}” is used {n} times" for i, n in ids.items() if n > 1]
    labelable = {
        e.get("id")
        for e in elements
        if _tag(e) in {"input", "select", "textarea", "button", "meter", "output", "progress"}
        and e.get("type") != "hidden"
    }
    parents = {child: parent for parent in elements for child in parent}

    html_el = next((e for e in elements if _tag(e) == "html"), None)
    if html_el is None or not html_el.get("lang"):
        found.append("<html> has no lang")
    titles = [e for e in elements if _tag(e) == "title"]
    if len(titles) != 1 or not "".join(titles[0].itertext()).strip():
        found.append("the page needs one non-empty <title>")

    for e in elements:
        tag = _tag(e)
        if not tag:
            continue
        if tag in OBSOLETE:
            found.append(f"obsolete element <{tag}>")
        for attr, value in e.attrib.items():
            if attr in NOT_EMPTY and not value.strip() and not (tag == "form" and attr == "action"):
                found.append(f'<{tag} {attr}="">: the value must not be empty')
            if attr in OBSOLETE_ATTRS and tag not in {"img", "canvas", "video", "iframe", "input", "source"}:
                found.append(f"obsolete attribute {attr} on <{tag}>")
            if attr in {"lang", "hreflang"} and value and not LANGUAGE_TAG.match(value):
                found.append(f'<{tag} {attr}="{value}">: not a language tag')
            if attr in {"aria-labelledby", "aria-describedby", "aria-controls"}:
                missing = [ref for ref in value.split() if ref not in ids]
                if missing:
                    found.append(f"<{tag} {attr}> names missing id {missing}")
        if tag == "label" and e.get("for") and e.get("for") not in labelable:
            found.append(f'<label for="{e.get("for")}"> names no form control')
        if tag == "input" and e.get("type") and e.get("type").lower() not in INPUT_TYPES:
            found.append(f'<input type="{e.get("type")}"> is not an input type')
        if tag in CHILDREN:
            for child in e:
                child_tag = _tag(child)
                if child_tag and child_tag not in CHILDREN[tag] | SCRIPTING:
                    found.append(f"<{child_tag}> is not allowed as a child of <{tag}>")
        if tag in INTERACTIVE:
            parent = parents.get(e)
            while parent is not None:
                if _tag(parent) in {"a", "button"}:
                    found.append(f"<{tag}> inside <{_tag(parent)}>: interactive content cannot nest")
                    break
                parent = parents.get(parent)
        if tag == "img" and e.get("alt") is None:
            found.append("<img> without alt")
    return found
