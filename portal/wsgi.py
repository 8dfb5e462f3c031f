import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from pagecache.wsgi import with_kept_pages_first  # noqa: E402 - needs the settings configured above

application = with_kept_pages_first(application)
