"""The handovers of a case, for the section the case page includes (``handovers/_case_link.html``)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def handovers_of(case):
    return selectors.of_case(case)
