"""A production set-up's first step: the programme's reference data and its first administrator.

Loads the 11 countries (names, public languages, time zones, currencies) and the regularization pathways,
as sample content to review, without the demo's windows, people or passwords; run again, it adds what is
missing and changes nothing a reviewer has edited. With --admin-email and --admin-username it creates the
first administrator without a password and prints a one-time link to set it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cases.models import RegularizationPathway
from cases.pathway_data import load_pathways
from ventanillas.reference import load_reference


def set_password_link(user) -> str:
    """The address where the user chooses a password; it works once (Django's password-reset token)."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    return f"{settings.PORTAL_URL}{path}"


class Command(BaseCommand):
    help = (
        "Load the 11 countries and the regularization pathways (idempotent); with --admin-email and "
        "--admin-username, create the first administrator and print a one-time link to set the password."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--admin-email", help="E-mail address of the first administrator.")
        parser.add_argument("--admin-username", help="Username of the first administrator.")

    def handle(self, *args, **options) -> None:
        email, username = options["admin_email"], options["admin_username"]
        if bool(email) != bool(username):
            raise CommandError("Give both --admin-email and --admin-username, or neither.")
        countries = load_reference()
        added = load_pathways(keep_existing=True)
        self.stdout.write(
            f"countries: {len(countries)}; pathways: {RegularizationPathway.objects.count()} ({added} added). "
            "The pathways are sample content until a reviewer checks each one and marks it verified (admin)."
        )
        if not username:
            return
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": email, "is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif user.has_usable_password():
            raise CommandError(f"{username} exists and has a password: use the sign-in page's password reset.")
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(
            f"{'Created' if created else 'Kept'} the administrator {username}. Open this link to choose the "
            f"password (it works once, for {hours} hours); the next sign-in pairs the second factor:\n"
            f"{set_password_link(user)}"
        )
