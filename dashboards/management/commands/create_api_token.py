from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...models import ApiToken


class Command(BaseCommand):
    help = (
        "Create a read-only API token for an active account with a role; it works for --days days "
        "(API_TOKEN_DAYS by default). The token is shown once and only its hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help="What the token is for.")
        parser.add_argument("--days", type=int, default=None, help="Days it works (default: API_TOKEN_DAYS).")

    def handle(self, *args, username, name, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            token, raw = ApiToken.issue(user=user, name=name, days=days)
        except ValueError as exc:
            raise CommandError(f"No token for {username!r}: {exc}.") from exc
        expires = token.expires_at.date().isoformat()
        days = settings.API_TOKEN_DAYS if days is None else days
        self.stdout.write(f"Token {token.prefix}… for {username}, valid {days} days (until {expires}).")
        self.stdout.write("Keep it now, it will not be shown again:")
        self.stdout.write(raw)
