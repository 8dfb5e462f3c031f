"""Settings of the live server the browser tests drive: the test settings, with e-mail written to files
(``$E2E_MAIL_DIR``) so that a journey can open the link a participant receives, as they would."""

import os

from tests.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("E2E_MAIL_DIR", "/tmp/ventanillas-e2e-mail")  # noqa: S108
