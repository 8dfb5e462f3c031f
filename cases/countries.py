"""The maintained list of countries (django-countries, ISO 3166-1) with their names in the portal's languages.

django-countries carries the names in Spanish, English, French and Dutch. It has none in Haitian Creole:
``HT_NAMES`` gives the Kreyòl names of the countries of the Americas and of the countries the migrants the
windows see come from; any other country is named in French for a Kreyòl reader (the same neighbour the hub
falls back to, ``hub.languages``), never in Spanish, and that name carries its language (``Marked``) so that
a page marks it ``lang="fr"``.

The same list gives a person's nationality (``NationalityCountries``), with the answers that name no country.
"""

from __future__ import annotations

from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from django_countries import Countries, CountryTuple

from helpers.marked import Marked
from ventanillas.reference import read_data

# Kreyòl names: the Americas and the countries of origin the windows see from outside the region, in a data
# file translators review (data/reference/country-names-ht.json).
HT_NAMES: dict[str, str] = read_data("reference/country-names-ht.json")["names"]

# The language a country without a Kreyòl name is named in for a Kreyòl reader.
HT_FALLBACK = "fr"


class PortalCountries(Countries):
    """django-countries' list, named in the reader's language; Kreyòl from ``HT_NAMES``, else French."""

    def translate_pair(self, code: str, name=None):
        if (get_language() or "").split("-")[0] == "ht":
            if code in HT_NAMES:
                return CountryTuple(code, HT_NAMES[code])
            with override(HT_FALLBACK):
                pair = super().translate_pair(code, name)
            return CountryTuple(pair.code, Marked(pair.name, HT_FALLBACK))
        return super().translate_pair(code, name)


countries = PortalCountries()


# --- Nationality -----------------------------------------------------------------------------------------
# A nationality is a country of the same list, or one of the answers a window hears that name no country.
# They use ISO 3166's user-assigned codes, which no country will ever get: "ZZ" and "XX" are the codes the
# former hand-made list already used; "XA" replaces that list's "AF", which meant "African country" and is
# ISO's Afghanistan. "Not stated" is the blank value.
AFRICAN = "XA"
OTHER = "XX"
STATELESS = "ZZ"
NON_COUNTRIES = {
    STATELESS: _("Stateless"),
    AFRICAN: _("African country, not specified"),
    OTHER: _("Other nationality"),
}
NOT_STATED = _("Not stated")


class NationalityCountries(PortalCountries):
    """The list of countries plus the answers that name no country (stateless, an African country not
    specified, another nationality), these named in the reader's language by the portal's own catalogs."""

    override = NON_COUNTRIES

    def translate_pair(self, code: str, name=None):
        if code in NON_COUNTRIES:
            return CountryTuple(code, str(NON_COUNTRIES[code]))
        return super().translate_pair(code, name)


def nationality_choices(blank: bool = True) -> list[tuple[str, str]]:
    """What a form offers: "Not stated", the answers that name no country, then every country by name,
    sorted in the reader's language."""
    head = [("", str(NOT_STATED))] if blank else []
    return [*head, *((code, str(name)) for code, name in NON_COUNTRIES.items()), *countries]


def nationality_rows() -> list[tuple[str, str]]:
    """The values of a breakdown by nationality in the order a table shows them: the countries by name in
    the reader's language, then the answers that name no country, "Not stated" last."""
    return [*countries, *((code, str(name)) for code, name in NON_COUNTRIES.items()), ("", str(NOT_STATED))]
