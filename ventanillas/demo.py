"""Demo data: sample windows, partners and one login per role, read from data/demo/ventanillas.json, after the
countries of the reference data (ventanillas.reference).

Idempotent: every row is found by a natural key and updated, never added twice. Addresses, phones and
hours are samples to replace with each window's real details before use.
"""

from __future__ import annotations

from datetime import date, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Closure, InformationWindow, Membership, OpeningHours, PartnerOrganisation, Role
from .reference import countries as reference_countries
from .reference import load_reference, read_data

DEMO_PASSWORD = "ventanillas-demo"  # noqa: S105 - a published demo password, loaded only with DEBUG on
# The demo accounts' authenticator key (hex; load_demo prints it in base32 for an app). With DEBUG on the
# second-factor page of a demo account also shows its current code.
DEMO_TOTP_KEY = "76656e74616e696c6c61732d64656d6f2d746f7470"


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    """Create or update the demo rows; return (username, description) of the demo logins."""
    countries = load_reference()
    calling_codes = {item["code"]: item["calling_code"] for item in reference_countries()}
    data = read_data("demo/ventanillas.json")

    windows = {}
    # Written in the country's own language, as a real address is (the page marks it with that lang).
    sample_address = data["sample_address"]
    for number, item in enumerate(data["windows"], start=1):
        code, slug = item["country"], item["slug"]
        window, _created = InformationWindow.objects.update_or_create(
            country=countries[code],
            slug=slug,
            defaults={
                "name": item["name"],
                "city": item["city"],
                "address": sample_address[countries[code].default_language],
                "latitude": item["latitude"],
                "longitude": item["longitude"],
                "host_institution": item["host_institution"],
                "host_language": item["host_language"],
                "services": item["services"],
                "region": item["region"],
                # Sample numbers (a 0000 block), not any window's real line: replace them with the real ones.
                "phone": f"+{calling_codes[code]} 0000-{number:04d}",
                "whatsapp": f"+{calling_codes[code]} 0000-{number + 50:04d}",
                "email": f"{slug}@ventanillas.example",
            },
        )
        for block in data["opening_hours"][item["opening_hours"]]:
            opens, closes = time.fromisoformat(block["opens"]), time.fromisoformat(block["closes"])
            for weekday in block["weekdays"]:
                OpeningHours.objects.update_or_create(
                    window=window, weekday=weekday, opens=opens, defaults={"closes": closes}
                )
        windows[slug] = window

    for country in countries.values():
        year = date.today().year
        for closure in data["closures"]:
            first = date(year + closure["years_ahead"], closure["month"], closure["day"])
            reason = closure["reason"]
            Closure.objects.update_or_create(
                country=country,
                window=None,
                first_day=first,
                defaults={"last_day": first, "reason": reason[settings.MODELTRANSLATION_DEFAULT_LANGUAGE]}
                | {f"reason_{lang}": text for lang, text in reason.items()},
            )

    for item in data["partners"]:
        PartnerOrganisation.objects.update_or_create(
            acronym=item["acronym"],
            defaults={
                "name": item["name"],
                "country": countries.get(item["country"]) if item["country"] else None,
                "services": item["services"],
            },
        )

    User = get_user_model()
    logins = []
    for item in data["users"]:
        username, role, code, slug = item["username"], Role(item["role"]), item["country"], item["window"]
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@ventanillas.example"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = role == Role.ADMINISTRATOR
        user.is_superuser = role == Role.ADMINISTRATOR
        user.save()
        Membership.objects.get_or_create(
            user=user,
            role=role,
            country=countries[code] if code else None,
            window=windows[slug] if slug else None,
            language=item["language"],
        )
        # The second step of the login: one published key for every demo account (accounts.two_factor).
        TOTPDevice.objects.update_or_create(user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True})
        logins.append((username, item["description"]))
    return logins
