from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...models import ApiToken


class Command(BaseCommand):
    help = "Create a read-only API token for a user; the token is shown once and only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help="What the token is for.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        token, raw = ApiToken.issue(user=user, name=name)
        self.stdout.write(f"Token {token.prefix}… for {username}. Keep it now, it will not be shown again:")
        self.stdout.write(raw)
