"""Write static/portal/site.css: the Bootstrap rules the pages use plus portal.css (see portal/css.py)."""

from django.core.management.base import BaseCommand

from portal import css


class Command(BaseCommand):
    help = "Rebuild static/portal/site.css from Bootstrap's CSS and portal.css (run after changing classes)."

    def handle(self, *args, **options) -> None:
        text = css.build()
        css.OUTPUT.write_text(text, encoding="utf-8")
        self.stdout.write(f"{css.OUTPUT.relative_to(css.settings.BASE_DIR)}: {len(text.encode())} bytes")
