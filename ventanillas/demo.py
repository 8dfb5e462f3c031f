"""Demo data: the 11 countries of the programme, sample windows, partners and one login per role.

Idempotent: every row is found by a natural key and updated, never added twice. Addresses, phones and
hours are samples to replace with each window's real details before use.
"""

from __future__ import annotations

from datetime import date, time

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Closure, Country, InformationWindow, Membership, OpeningHours, PartnerOrganisation, Role

DEMO_PASSWORD = "ventanillas-demo"  # noqa: S105 - a published demo password, loaded only with DEBUG on
# The demo accounts' authenticator key (hex; load_demo prints it in base32 for an app). With DEBUG on the
# second-factor page of a demo account also shows its current code.
DEMO_TOTP_KEY = "76656e74616e696c6c61732d64656d6f2d746f7470"

# code: names (es, en, fr, nl, ht), public languages (default first), time zone, currency, other currencies
COUNTRIES = {
    "BZ": (("Belice", "Belize", "Belize", "Belize", "Beliz"), ["en", "es"], "America/Belize", "BZD", ""),
    "CR": (
        ("Costa Rica", "Costa Rica", "Costa Rica", "Costa Rica", "Kosta Rika"),
        ["es", "en", "fr"],
        "America/Costa_Rica",
        "CRC",
        "",
    ),
    "SV": (
        ("El Salvador", "El Salvador", "Salvador", "El Salvador", "Salvadò"),
        ["es"],
        "America/El_Salvador",
        "USD",
        "",
    ),
    "GT": (("Guatemala", "Guatemala", "Guatemala", "Guatemala", "Gwatemala"), ["es"], "America/Guatemala", "GTQ", ""),
    "GD": (("Granada", "Grenada", "Grenade", "Grenada", "Grenad"), ["en"], "America/Grenada", "XCD", ""),
    "HT": (("Haití", "Haiti", "Haïti", "Haïti", "Ayiti"), ["ht", "fr"], "America/Port-au-Prince", "HTG", ""),
    "HN": (("Honduras", "Honduras", "Honduras", "Honduras", "Ondiras"), ["es"], "America/Tegucigalpa", "HNL", ""),
    "MX": (
        ("México", "Mexico", "Mexique", "Mexico", "Meksik"),
        ["es", "ht", "fr", "en"],
        "America/Mexico_City",
        "MXN",
        "",
    ),
    "PA": (
        ("Panamá", "Panama", "Panama", "Panama", "Panama"),
        ["es", "ht", "fr", "en"],
        "America/Panama",
        "PAB",
        "USD",
    ),
    "SR": (
        ("Surinam", "Suriname", "Suriname", "Suriname", "Sirinam"),
        ["nl", "en", "es"],
        "America/Paramaribo",
        "SRD",
        "",
    ),
    "DO": (
        (
            "República Dominicana",
            "Dominican Republic",
            "République dominicaine",
            "Dominicaanse Republiek",
            "Repiblik Dominikèn",
        ),
        ["es", "ht"],
        "America/Santo_Domingo",
        "DOP",
        "",
    ),
}

WEEKDAYS_SPLIT = [(d, time(8), time(12)) for d in range(5)] + [(d, time(13), time(16)) for d in range(5)]
WEEKDAYS_LONG = [(d, time(8, 30), time(16, 30)) for d in range(5)] + [(5, time(9), time(12))]

# The department, province or district of each sample window, for the "nearest first" picker.
REGIONS = {
    "belize-city": "Belize",
    "benque-viejo": "Cayo",
    "san-jose": "San José",
    "upala": "Alajuela",
    "san-salvador": "San Salvador",
    "guatemala-ciudad": "Guatemala",
    "tecun-uman": "San Marcos",
    "st-georges": "St. George",
    "port-au-prince": "Ouest",
    "ouanaminthe": "Nord-Est",
    "tegucigalpa": "Francisco Morazán",
    "san-pedro-sula": "Cortés",
    "tapachula": "Chiapas",
    "ciudad-de-mexico": "Ciudad de México",
    "panama-ciudad": "Panamá",
    "darien": "Darién",
    "paramaribo": "Paramaribo",
    "santo-domingo": "Distrito Nacional",
    "dajabon": "Dajabón",
}
CALLING_CODES = {
    "BZ": "501",
    "CR": "506",
    "SV": "503",
    "GT": "502",
    "GD": "1 473",
    "HT": "509",
    "HN": "504",
    "MX": "52",
    "PA": "507",
    "SR": "597",
    "DO": "1 809",
}

# country, slug, name, city, latitude, longitude, host institution, services, hours
WINDOWS = [
    (
        "BZ",
        "belize-city",
        "Ventanilla Belize City",
        "Belize City",
        "17.4986",
        "-88.1886",
        "Municipal community centre",
        ["information", "regularization", "legal"],
        WEEKDAYS_SPLIT,
    ),
    (
        "BZ",
        "benque-viejo",
        "Ventanilla Benque Viejo",
        "Benque Viejo del Carmen",
        "17.0747",
        "-89.1392",
        "Town council",
        ["information", "regularization"],
        WEEKDAYS_SPLIT,
    ),
    (
        "CR",
        "san-jose",
        "Ventanilla San José",
        "San José",
        "9.9281",
        "-84.0907",
        "Municipalidad de San José",
        ["information", "regularization", "asylum", "employment"],
        WEEKDAYS_LONG,
    ),
    (
        "CR",
        "upala",
        "Ventanilla Upala",
        "Upala",
        "10.8979",
        "-85.0155",
        "Municipalidad de Upala",
        ["information", "regularization", "health"],
        WEEKDAYS_SPLIT,
    ),
    (
        "SV",
        "san-salvador",
        "Ventanilla San Salvador",
        "San Salvador",
        "13.6929",
        "-89.2182",
        "Centro municipal",
        ["information", "return", "employment"],
        WEEKDAYS_LONG,
    ),
    (
        "GT",
        "guatemala-ciudad",
        "Ventanilla Ciudad de Guatemala",
        "Ciudad de Guatemala",
        "14.6349",
        "-90.5069",
        "Centro comunitario",
        ["information", "return", "regularization"],
        WEEKDAYS_LONG,
    ),
    (
        "GT",
        "tecun-uman",
        "Ventanilla Tecún Umán",
        "Tecún Umán",
        "14.6786",
        "-92.1433",
        "Municipalidad de Ayutla",
        ["information", "protection", "regularization"],
        WEEKDAYS_SPLIT,
    ),
    (
        "GD",
        "st-georges",
        "Information Window St. George's",
        "St. George's",
        "12.0561",
        "-61.7488",
        "Community centre",
        ["information", "regularization", "employment"],
        WEEKDAYS_SPLIT,
    ),
    (
        "HT",
        "port-au-prince",
        "Fenèt enfòmasyon Pòtoprens",
        "Port-au-Prince",
        "18.5944",
        "-72.3074",
        "Centre communautaire",
        ["information", "return", "family"],
        WEEKDAYS_SPLIT,
    ),
    (
        "HT",
        "ouanaminthe",
        "Fenèt enfòmasyon Wanament",
        "Ouanaminthe",
        "19.5500",
        "-71.7333",
        "Mairie de Ouanaminthe",
        ["information", "return", "protection"],
        WEEKDAYS_SPLIT,
    ),
    (
        "HN",
        "tegucigalpa",
        "Ventanilla Tegucigalpa",
        "Tegucigalpa",
        "14.0723",
        "-87.1921",
        "Alcaldía municipal",
        ["information", "return", "employment"],
        WEEKDAYS_LONG,
    ),
    (
        "HN",
        "san-pedro-sula",
        "Ventanilla San Pedro Sula",
        "San Pedro Sula",
        "15.5049",
        "-88.0250",
        "Centro municipal",
        ["information", "return", "psychosocial"],
        WEEKDAYS_LONG,
    ),
    (
        "MX",
        "tapachula",
        "Ventanilla Tapachula",
        "Tapachula",
        "14.9060",
        "-92.2630",
        "Centro comunitario",
        ["information", "regularization", "asylum", "legal"],
        WEEKDAYS_LONG,
    ),
    (
        "MX",
        "ciudad-de-mexico",
        "Ventanilla Ciudad de México",
        "Ciudad de México",
        "19.4326",
        "-99.1332",
        "Centro comunitario",
        ["information", "regularization", "employment"],
        WEEKDAYS_LONG,
    ),
    (
        "PA",
        "panama-ciudad",
        "Ventanilla Ciudad de Panamá",
        "Ciudad de Panamá",
        "8.9824",
        "-79.5199",
        "Centro municipal",
        ["information", "regularization", "legal"],
        WEEKDAYS_LONG,
    ),
    (
        "PA",
        "darien",
        "Ventanilla Darién",
        "Metetí",
        "8.4950",
        "-77.9780",
        "Centro de salud",
        ["information", "health", "protection"],
        WEEKDAYS_SPLIT,
    ),
    (
        "SR",
        "paramaribo",
        "Informatieloket Paramaribo",
        "Paramaribo",
        "5.8520",
        "-55.2038",
        "Community centre",
        ["information", "regularization", "employment"],
        WEEKDAYS_SPLIT,
    ),
    (
        "DO",
        "santo-domingo",
        "Ventanilla Santo Domingo",
        "Santo Domingo",
        "18.4861",
        "-69.9312",
        "Centro comunitario",
        ["information", "regularization", "legal"],
        WEEKDAYS_LONG,
    ),
    (
        "DO",
        "dajabon",
        "Ventanilla Dajabón",
        "Dajabón",
        "19.5488",
        "-71.7083",
        "Ayuntamiento de Dajabón",
        ["information", "regularization", "protection"],
        WEEKDAYS_SPLIT,
    ),
]

PARTNERS = [
    (None, "Red regional de asistencia legal (muestra)", "RRAL", ["legal", "asylum"]),
    (None, "Servicio regional de restablecimiento de contacto familiar (muestra)", "RCF", ["family"]),
    ("CR", "Clínica jurídica universitaria (muestra)", "CJU", ["legal", "regularization"]),
    ("PA", "Albergue comunitario (muestra)", "ALC", ["shelter", "health"]),
    ("MX", "Casa del migrante (muestra)", "CDM", ["shelter", "psychosocial"]),
    ("DO", "Asociación de apoyo legal (muestra)", "AAL", ["legal", "regularization"]),
    ("GT", "Centro de atención al retornado (muestra)", "CAR", ["return", "employment"]),
    ("HN", "Centro de atención al migrante retornado (muestra)", "CAMR", ["return", "psychosocial"]),
]

# username, role, country code, window slug, language, description
USERS = [
    ("staff-cr", Role.WINDOW_STAFF, "CR", "san-jose", "", "window staff, San José (Costa Rica)"),
    ("staff-pa", Role.WINDOW_STAFF, "PA", "panama-ciudad", "", "window staff, Panama City (Panama)"),
    ("officer-cr", Role.COUNTRY_OFFICER, "CR", None, "", "country officer, Costa Rica (read only)"),
    ("regional", Role.REGIONAL_OFFICER, None, None, "", "regional officer (all countries, aggregates)"),
    ("editor-ht", Role.CONTENT_EDITOR, "HT", None, "ht", "content editor, Haiti, Kreyòl"),
    # Four eyes: what one editor of a language writes, another editor of that language publishes.
    ("editor-ht-2", Role.CONTENT_EDITOR, "HT", None, "ht", "second content editor, Haiti, Kreyòl"),
    ("trainer", Role.TRAINER, None, None, "", "trainer (every country)"),
    ("admin", Role.ADMINISTRATOR, None, None, "", "administrator (also the Django admin)"),
]

LANGS = ["es", "en", "fr", "nl", "ht"]


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    """Create or update the demo rows; return (username, description) of the demo logins."""
    countries = {}
    for code, (names, languages, zone, currency, others) in COUNTRIES.items():
        defaults = {
            "name": names[0],
            "default_language": languages[0],
            "public_languages": languages,
            "time_zone": zone,
            "currency": currency,
            "other_currencies": others,
        }
        defaults.update({f"name_{lang}": name for lang, name in zip(LANGS, names, strict=True)})
        countries[code], _created = Country.objects.update_or_create(code=code, defaults=defaults)

    windows = {}
    # Written in the country's own language, as a real address is (the page marks it with that lang).
    sample_address = {
        "es": "Dirección de muestra, por confirmar",
        "en": "Sample address, to be confirmed",
        "fr": "Adresse d’exemple, à confirmer",
        "nl": "Voorbeeldadres, nog te bevestigen",
        "ht": "Adrès egzanp, pou konfime",
    }
    for number, (code, slug, name, city, lat, lon, host, services, hours) in enumerate(WINDOWS, start=1):
        window, _created = InformationWindow.objects.update_or_create(
            country=countries[code],
            slug=slug,
            defaults={
                "name": name,
                "city": city,
                "address": sample_address[countries[code].default_language],
                "latitude": lat,
                "longitude": lon,
                "host_institution": host,
                "services": services,
                "region": REGIONS.get(slug, ""),
                # Sample numbers (a 0000 block), not any window's real line: replace them with the real ones.
                "phone": f"+{CALLING_CODES[code]} 0000-{number:04d}",
                "whatsapp": f"+{CALLING_CODES[code]} 0000-{number + 50:04d}",
                "email": f"{slug}@ventanillas.example",
            },
        )
        for weekday, opens, closes in hours:
            OpeningHours.objects.update_or_create(
                window=window, weekday=weekday, opens=opens, defaults={"closes": closes}
            )
        windows[slug] = window

    for country in countries.values():
        year = date.today().year
        for first, reason in (
            (date(year, 12, 25), ("Navidad", "Christmas Day", "Noël", "Kerstmis", "Nwèl")),
            (date(year + 1, 1, 1), ("Año Nuevo", "New Year's Day", "Jour de l'an", "Nieuwjaarsdag", "Premye janvye")),
        ):
            Closure.objects.update_or_create(
                country=country,
                window=None,
                first_day=first,
                defaults={"last_day": first, "reason": reason[0]}
                | {f"reason_{lang}": text for lang, text in zip(LANGS, reason, strict=True)},
            )

    for code, name, acronym, services in PARTNERS:
        PartnerOrganisation.objects.update_or_create(
            acronym=acronym,
            defaults={"name": name, "country": countries.get(code) if code else None, "services": services},
        )

    User = get_user_model()
    logins = []
    for username, role, code, slug, language, description in USERS:
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
            language=language,
        )
        # The second step of the login: one published key for every demo account (accounts.two_factor).
        TOTPDevice.objects.update_or_create(user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True})
        logins.append((username, description))
    return logins
