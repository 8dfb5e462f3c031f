"""The form renderer: Django's templates, except for the select box, which is written out in Python.

A select renders one template per option: the nationality list (some 250 countries) took 9 ms of a
35 ms case-list page, and every intake form has one. The markup written here is the same, byte for byte,
as Django's ``select.html``, ``select_option.html`` and ``attrs.html`` (a test compares them), so pages and
their tests see no difference. Any other widget, or a select with its own option template, goes through
the templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

from .marked import foreign_language

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def render_select(widget: dict) -> str | None:
    """The select's markup, or None when an option uses another template than Django's own."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def mark_options(widget: dict) -> None:
    """An option whose label is written in another language than the page's (``helpers.marked``) gets its
    ``lang``: a Spanish window name, a country named in French on a Kreyòl page."""
    for _group_name, group_choices, _index in widget["optgroups"]:
        for option in group_choices:
            lang = foreign_language(option["label"])
            if lang:
                option["attrs"] = {**option["attrs"], "lang": lang}


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            mark_options(context["widget"])
            markup = render_select(context["widget"])
            if markup is not None:
                return markup  # the widget marks it safe, as it does a template's output; every part is escaped
        return super().render(template_name, context, request)
