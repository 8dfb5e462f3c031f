"""A name knows the language it is written in, and a page marks it where that is not the page's language."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from ventanillas.models import InformationWindow


def _render(source: str, **context) -> str:
    return Template("{% load marked %}" + source).render(Context(context))


def test_a_spanish_window_name_is_marked_on_a_kreyol_page_and_not_on_a_spanish_one(window_cr):
    window = InformationWindow.objects.select_related("country").get(pk=window_cr.pk)
    with translation.override("ht"):
        assert _render("{{ w|marked }}", w=window) == '<span lang="es">Ventanilla San José (San José)</span>'
    with translation.override("es"):
        assert _render("{{ w|marked }}", w=window) == "Ventanilla San José (San José)"


def test_a_window_with_a_language_of_its_own_is_marked_with_it(window_cr):
    window_cr.text_language = "fr"
    window_cr.save()
    window = InformationWindow.objects.get(pk=window_cr.pk)  # its own language: no need of the country
    with translation.override("es"):
        assert _render("{{ w|marked }}", w=window) == '<span lang="fr">Ventanilla San José (San José)</span>'


def test_marked_text_is_escaped():
    with translation.override("en"):
        assert _render("{{ t|marked_as:'es' }}", t="<b>Casa & Hogar</b>") == (
            '<span lang="es">&lt;b&gt;Casa &amp; Hogar&lt;/b&gt;</span>'
        )
        assert _render("{{ t|marked }}", t="<i>") == "&lt;i&gt;"
