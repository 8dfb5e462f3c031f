"""Factories shared by every app's tests."""

from __future__ import annotations

from datetime import time

import factory
from django.contrib.auth import get_user_model

from ventanillas.models import Country, InformationWindow, Membership, OpeningHours, Role

COUNTRY_DATA = {
    "CR": ("Costa Rica", ["es", "en", "fr"], "America/Costa_Rica", "CRC"),
    "PA": ("Panamá", ["es", "ht", "fr", "en"], "America/Panama", "PAB"),
    "HT": ("Haití", ["ht", "fr"], "America/Port-au-Prince", "HTG"),
    "MX": ("México", ["es", "ht", "fr", "en"], "America/Mexico_City", "MXN"),
    "SR": ("Surinam", ["nl", "en", "es"], "America/Paramaribo", "SRD"),
    "DO": ("República Dominicana", ["es", "ht"], "America/Santo_Domingo", "DOP"),
    "BZ": ("Belice", ["en", "es"], "America/Belize", "BZD"),
    "GD": ("Granada", ["en"], "America/Grenada", "XCD"),
    "HN": ("Honduras", ["es"], "America/Tegucigalpa", "HNL"),
    "GT": ("Guatemala", ["es"], "America/Guatemala", "GTQ"),
}


def country(code: str) -> Country:
    """The country with this code, created the first time it is asked for."""
    name, languages, zone, currency = COUNTRY_DATA[code]
    obj, _created = Country.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "name_es": name,
            "default_language": languages[0],
            "public_languages": languages,
            "time_zone": zone,
            "currency": currency,
        },
    )
    return obj


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    @factory.post_generation
    def password(self, create: bool, extracted, **kwargs) -> None:
        self.set_password(extracted or "a-test-password")
        if create:
            self.save(update_fields=["password"])


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationWindow
        skip_postgeneration_save = True

    country = factory.LazyFunction(lambda: country("CR"))
    name = factory.Sequence(lambda n: f"Ventanilla {n}")
    slug = factory.Sequence(lambda n: f"ventanilla-{n}")
    city = "San José"
    address = "Avenida 2, calle 5"
    services = ["information", "regularization"]

    @factory.post_generation
    def weekday_hours(self, create: bool, extracted, **kwargs) -> None:
        """Monday to Friday 08:00-12:00 and 13:00-16:00 unless ``weekday_hours=False``."""
        if not create or extracted is False:
            return
        for day in range(5):
            OpeningHours.objects.create(window=self, weekday=day, opens=time(8), closes=time(12))
            OpeningHours.objects.create(window=self, weekday=day, opens=time(13), closes=time(16))


def member(user, role: str, *, window=None, country_obj=None, language: str = "") -> Membership:
    return Membership.objects.create(
        user=user,
        role=role,
        window=window,
        country=country_obj or (window.country if window else None),
        language=language,
    )


__all__ = ["Role", "UserFactory", "WindowFactory", "country", "member"]
