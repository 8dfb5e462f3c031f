"""Load the demo data of every app, in the order of their dependencies. Safe to run again."""

from __future__ import annotations

import base64
import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load the 11 countries and the demo data of every app (idempotent), then print the demo logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off (never in production).")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("The demo data has published passwords: load it only with DEBUG on, or --force.")
        logins: list[tuple[str, str]] = []
        for app in settings.PORTAL_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            self.stdout.write(f"demo data: {app}")
            logins += module.load(stdout=self.stdout) or []
        from ventanillas.demo import DEMO_PASSWORD, DEMO_TOTP_KEY

        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):"))
        for username, description in logins:
            self.stdout.write(f"  {username:<12} {description}")
        key = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            "Second step of the login: with DEBUG on, the code page of a demo account shows its current code;\n"
            f"or add this key (time-based, 6 digits) to an authenticator app: {key}"
        )
        self.stdout.write("Open http://127.0.0.1:8000/ (staff area: http://127.0.0.1:8000/es/staff/)")
