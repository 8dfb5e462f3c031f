from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ...models import ApiToken


class Command(BaseCommand):
    help = "Revoke an API token by its first characters (as list_api_tokens shows them); it stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, prefix, **options):
        found = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True))
        if not found:
            raise CommandError(f"No unrevoked token starts with {prefix!r}.")
        if len(found) > 1:
            raise CommandError(f"{len(found)} tokens start with {prefix!r}: revoke them in the admin.")
        found[0].revoke()
        self.stdout.write(f"Token {prefix}… of {found[0].user.get_username()} revoked.")
