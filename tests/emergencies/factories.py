"""Emergencies for the tests: one declared through the service, as an officer would."""

from __future__ import annotations

from emergencies import services
from emergencies.models import Emergency, PointKind
from tests.factories import Role, UserFactory, member


def officer_of(country, username: str = ""):
    user = UserFactory(**({"username": username} if username else {}))
    member(user, Role.COUNTRY_OFFICER, country_obj=country)
    return user


def declare(country, by=None, *, language: str | None = None, regions=None, **fields) -> Emergency:
    by = by or officer_of(country)
    values = {
        "kind": "hurricane",
        "severity": "Severe",
        "language": language or country.default_language,
        "title": "Ouragan Mélissa: rete lakay ou",
        "instructions": "Pa soti.\n\nAle nan abri ki pi pre a.",
        "hotlines": "+509 2943 0000 Protection civile\n116 Urgences",
        **fields,
    }
    return services.declare(countries=[country], by=by, regions=regions, **values)[0]


def shelter(emergency, by, **fields):
    data = {
        "kind": PointKind.SHELTER,
        "name": "Lycée national",
        "address": "Rue Capois 12",
        "region": "Ouest",
        "hours": "24 h",
        "phone": "+509 3700 1111",
        "latitude": "18.539200",
        "longitude": "-72.335000",
        "capacity": 300,
        "occupancy": 120,
        **fields,
    }
    return services.add_point(emergency=emergency, by=by, data=data)
