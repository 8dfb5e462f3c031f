import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from pagecache.wsgi import with_kept_pages_first  # noqa: E402 - needs the settings configured above

application = with_kept_pages_first(application)

# What the worker loaded (Django, the apps, their models) lives as long as it does: the garbage collector need
# not look at it again. Each full collection would otherwise walk some 200,000 objects (docs/speed.md).
gc.collect()
gc.freeze()
