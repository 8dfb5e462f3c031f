"""The maintained list of countries (django-countries, ISO 3166-1) with their names in the portal's languages.

django-countries carries the names in Spanish, English, French and Dutch. It has none in Haitian Creole:
``HT_NAMES`` gives the Kreyòl names of the countries of the region and of the countries most of the
migrants the windows see come from; any other country is named in French for a Kreyòl reader (the same
neighbour the hub falls back to, ``hub.languages``), never in Spanish.

The same list gives a person's nationality (``NationalityCountries``), with the answers that name no country.
"""

from __future__ import annotations

from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from django_countries import Countries, CountryTuple

# Kreyòl names: the Caribbean, Central, South and North America, and the countries of origin the windows
# see most often from outside the region.
HT_NAMES = {
    "AG": "Antigwa ak Babouda",
    "AR": "Ajantin",
    "AW": "Arouba",
    "BB": "Babad",
    "BO": "Bolivi",
    "BR": "Brezil",
    "BS": "Bahamas",
    "BZ": "Beliz",
    "CA": "Kanada",
    "CL": "Chili",
    "CO": "Kolonbi",
    "CR": "Kosta Rika",
    "CU": "Kiba",
    "CW": "Kiraso",
    "DM": "Dominik",
    "DO": "Repiblik Dominikèn",
    "EC": "Ekwatè",
    "GD": "Grenad",
    "GF": "Giyàn franse",
    "GP": "Gwadloup",
    "GT": "Gwatemala",
    "GY": "Giyana",
    "HN": "Ondiras",
    "HT": "Ayiti",
    "JM": "Jamayik",
    "KN": "Sen Kits ak Nevis",
    "KY": "Zile Kayiman",
    "LC": "Sent Lisi",
    "MQ": "Matinik",
    "MX": "Meksik",
    "NI": "Nikaragwa",
    "PA": "Panama",
    "PE": "Pewou",
    "PR": "Pòtoriko",
    "PY": "Paragwe",
    "SR": "Sirinam",
    "SV": "Salvadò",
    "TC": "Zile Tik ak Kayik",
    "TT": "Trinite ak Tobago",
    "US": "Etazini",
    "UY": "Irigwe",
    "VC": "Sen Vensan ak Grenadin",
    "VE": "Venezyela",
    "VG": "Zile Vyèj Britanik",
    "VI": "Zile Vyèj Ameriken",
    # Countries of origin from outside the region.
    "AF": "Afganistan",
    "AO": "Angola",
    "BD": "Bangladèch",
    "CD": "Repiblik Demokratik Kongo",
    "CG": "Kongo",
    "CM": "Kamewoun",
    "CN": "Lachin",
    "ER": "Eritre",
    "ES": "Espay",
    "FR": "Frans",
    "GH": "Gana",
    "GN": "Gine",
    "IN": "End",
    "NG": "Nijerya",
    "NP": "Nepal",
    "SN": "Senegal",
    "SO": "Somali",
    "SY": "Siri",
    "UZ": "Ouzbekistan",
}

# The language a country without a Kreyòl name is named in for a Kreyòl reader.
HT_FALLBACK = "fr"


class PortalCountries(Countries):
    """django-countries' list, named in the reader's language; Kreyòl from ``HT_NAMES``, else French."""

    def translate_pair(self, code: str, name=None):
        if (get_language() or "").split("-")[0] == "ht":
            if code in HT_NAMES:
                return CountryTuple(code, HT_NAMES[code])
            with override(HT_FALLBACK):
                return super().translate_pair(code, name)
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
