"""A form field with its label, help and errors, as crispy-forms' Bootstrap 5 ``field.html`` writes it, built in
Python: the template, with its dozens of conditions and three includes, cost about half a millisecond a field,
and the case list's filters are ten fields on every page. Only the common case is written here (a field shown on
the page, neither a checkbox, a radio or checkbox list, a file nor a group in a fieldset, of a form without a
crispy-forms helper); any other field goes through crispy-forms as before. A test compares the two, field by
field."""

from __future__ import annotations

import functools

from django import forms
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# The widgets crispy-forms writes in its own way (checkbox markup, fieldsets, file inputs).
OTHER_WIDGETS = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


def plain(form: forms.BaseForm) -> bool:
    """Whether the form has no crispy-forms helper, or one that changes nothing of how its fields are written
    (no layout, no inputs, every option as crispy-forms sets it but the ``<form>`` tag, which the page writes)."""
    helper = getattr(form, "helper", None)
    if helper is None:
        return True
    from crispy_forms.helper import FormHelper

    if type(helper) is not FormHelper:
        return False
    return {**vars(helper), "form_tag": None} == _default_helper()


@functools.cache
def _default_helper() -> dict:
    """A new helper's options (the ``<form>`` tag aside), read once: each field asks."""
    from crispy_forms.helper import FormHelper

    return {**vars(FormHelper()), "form_tag": None}


def written_here(field: forms.BoundField) -> bool:
    """Whether the field is one written here: a form with a crispy-forms helper that sets anything (its layout
    options, its inline errors) and the widgets above are crispy-forms' own."""
    widget = field.field.widget
    if not plain(field.form):
        return False
    return not (field.is_hidden or isinstance(widget, OTHER_WIDGETS) or field.use_fieldset)


def _widget(field: forms.BoundField) -> str:
    """The widget with crispy-forms' classes: its own class name, then Bootstrap's, as ``crispy_field`` adds them."""
    widget = field.field.widget
    name = widget.__class__.__name__.lower()
    name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(name, name)
    css = widget.attrs.get("class", "")
    if not css:
        css = name
    elif css.find(name) == -1:
        css += f" {name}"
    wanted = "form-select" if isinstance(widget, forms.Select) else "form-control"
    for part in (wanted, "is-invalid") if field.errors else (wanted,):
        if part not in css.split():
            css += f" {part}"
    widget.attrs["class"] = css
    return str(field)


def non_field_errors(form: forms.BaseForm) -> SafeString:
    """The form's own errors, as crispy-forms' Bootstrap 5 ``errors.html`` writes them above the fields."""
    errors = form.non_field_errors()
    if not errors:
        return mark_safe("")  # nosec B308 B703 - empty
    items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
    # Every error is escaped above.
    return mark_safe(f'<div class="alert alert-block alert-danger"><ul class="m-0">{items}</ul></div>')  # noqa: S308  # nosec B308 B703


def field_group(field: forms.BoundField) -> SafeString:
    """The field's ``<div>``: label (with the asterisk of a required field), widget, errors, help text."""
    escape = conditional_escape
    auto_id = field.auto_id
    extra = field.css_classes()
    classes = f"mb-3 {extra}" if extra else "mb-3"
    out = [f'<div id="div_{escape(auto_id)}" class="{escape(classes)}">']
    required = field.field.required
    if field.label:
        target = f'for="{escape(field.id_for_label)}" ' if field.id_for_label else ""
        label_class = "form-label" + (" requiredField" if required else "")
        asterisk = '<span class="asteriskField">*</span>' if required else ""
        out.append(f'<label {target}class="{label_class}">{escape(field.label)}{asterisk}</label>')
    out.append(_widget(field))
    if field.errors:
        out.append(f'<div id="{escape(field.errors.field_id)}_error" class="invalid-feedback">')
        # A helper writes errors inline (crispy-forms' error_text_inline, on by default), as_crispy_field alone not.
        tag = "p" if getattr(field.form, "helper", None) is None else "span"
        for number, error in enumerate(field.errors, start=1):
            out.append(f'<{tag} id="error_{number}_{escape(auto_id)}"><strong>{escape(error)}</strong></{tag}>')
        out.append("</div>")
    if field.help_text:
        help_id = f'id="{escape(auto_id)}_helptext" ' if auto_id else ""
        out.append(f'<div {help_id}class="form-text">{field.help_text}</div>')
    out.append("</div>")
    # Every value above is escaped; the help text is the code's own (crispy-forms writes it unescaped too).
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703
