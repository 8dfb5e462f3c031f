"""Every model form's text field allows exactly what its column holds: a longer limit lets the database
refuse the row (a server error, the typed text lost); a shorter one refuses what the column could keep."""

from __future__ import annotations

import importlib

import pytest
from django import forms

APPS = ["ventanillas", "cases", "training", "hub", "notifications", "dashboards", "statuscheck"]


def _model_forms():
    found = []
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.ModelForm)
                and value.__module__ == module.__name__
                and getattr(value._meta, "model", None) is not None
            ):
                found.append(value)
    return found


@pytest.mark.parametrize("form_class", _model_forms(), ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_every_text_field_of_a_model_form_has_its_columns_limit(form_class):
    model = form_class._meta.model
    for name, field in form_class.base_fields.items():
        names = {f.name for f in model._meta.get_fields()}
        if name not in names:  # a form-only field
            continue
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if limit and isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField):
            assert field.max_length == limit, f"{form_class.__name__}.{name}: form {field.max_length}, column {limit}"
