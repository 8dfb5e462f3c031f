"""The words people type for the same thing, across the portal's languages.

A reader searching "papeles" (papers) means the residence permit the guides call "residencia" or
"regularización"; a Kreyòl reader types "papye" or "rezidans". Each group lists, accent-free and in lower case,
words that mean the same to someone looking for a guide, in any of the five languages: the search looks for
every word of the group a query word belongs to (and for words that start with it), so that a reader finds
the guide in their own language or, failing that, in another public language of the country.
"""

from __future__ import annotations

import unicodedata

GROUPS: list[set[str]] = [
    # papers, residence, permit, regularization
    {
        "papeles",
        "papel",
        "permiso",
        "permisos",
        "residencia",
        "residente",
        "regularizacion",
        "regularizar",
        "estatus",
        "legalizar",
        "papers",
        "permit",
        "residence",
        "residency",
        "regularization",
        "regularisation",
        "status",
        "papiers",
        "permis",
        "sejour",
        "titre",
        "verblijf",
        "verblijfsvergunning",
        "vergunning",
        "papye",
        "rezidans",
        "pemi",
        "regilarizasyon",
        "estati",
        "sejou",
        "residans",
    },
    # cost, fee, price, paying
    {
        "costo",
        "costos",
        "coste",
        "precio",
        "cuanto",
        "cuesta",
        "tarifa",
        "pago",
        "pagar",
        "cobro",
        "cost",
        "costs",
        "fee",
        "fees",
        "price",
        "pay",
        "cout",
        "couts",
        "frais",
        "prix",
        "payer",
        "kosten",
        "prijs",
        "betalen",
        "tarief",
        "pri",
        "konbyen",
        "fre",
        "peye",
        "gratis",
        "gratuit",
        "free",
    },
    # passport and identity papers
    {"pasaporte", "passport", "passeport", "paspoort", "paspo", "paspò"},
    # asylum, refuge
    {
        "refugio",
        "asilo",
        "refugiado",
        "refugiada",
        "refugee",
        "asylum",
        "refugie",
        "asile",
        "vluchteling",
        "vluchtelingen",
        "asiel",
        "refij",
        "azil",
        "refijye",
    },
    # work
    {"trabajo", "empleo", "trabajar", "work", "job", "employment", "travail", "emploi", "werk", "travay", "djob"},
    # documents, requirements
    {
        "documento",
        "documentos",
        "requisitos",
        "document",
        "documents",
        "requirements",
        "pieces",
        "documenten",
        "dokiman",
        "papye",
    },
    # birth certificate
    {"acta", "nacimiento", "birth", "certificate", "naissance", "acte", "geboorteakte", "batiste", "batistè"},
]


def fold(text: str) -> str:
    """Lower case without accents: "Régularisation" -> "regularisation", "paspò" -> "paspo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_INDEX: dict[str, set[str]] = {}
for _group in GROUPS:
    _folded = {fold(word) for word in _group}
    for _word in _folded:
        _INDEX.setdefault(_word, set()).update(_folded)


def alternatives(word: str) -> set[str]:
    """The word and every word that means the same to a reader (all accent-free)."""
    word = fold(word)
    return {word} | _INDEX.get(word, set())


def known_words() -> frozenset[str]:
    """Every word of the groups (accent-free), for the search to recognise one typed with a typo."""
    return frozenset(_INDEX)
