from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...models import ApiToken


class Command(BaseCommand):
    help = "List the API tokens: first characters, account, name, state, expiry and last use."

    def add_arguments(self, parser):
        parser.add_argument("--all", dest="everything", action="store_true", help="Also the revoked and expired ones.")

    def handle(self, *args, everything, **options):
        now = timezone.now()
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        rows = []
        for token in tokens:
            if token.revoked_at is not None:
                state = "revoked"
            elif token.expires_at <= now:
                state = "expired"
            elif not token.user.is_active:
                state = "account inactive"
            else:
                state = "active"
            if state != "active" and not everything:
                continue
            last = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
            rows.append(
                f"{token.prefix}\t{token.user.get_username()}\t{token.name}\t{state}\t"
                f"expires {token.expires_at:%Y-%m-%d}\tlast used {last}"
            )
        self.stdout.write("\n".join(rows) if rows else "No tokens.")
