"""Settings of the portal: one file, read from the environment.

Defaults suit a laptop (DEBUG on, SQLite, tasks run in-process, e-mail to the console); production sets
DEBUG off and gives SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL, ALLOWED_HOSTS and the e-mail URL.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.conf import locale
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# A checkout is a laptop: debug on unless told otherwise. The production image sets DEBUG=0 (Dockerfile).
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-a-laptop"  # noqa: S105
# Older keys stay accepted (sessions, signed links, encrypted fields) while a new one rolls out.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"  # the portal's own page, translated and styled

PORTAL_APPS = [
    "ventanillas",
    "cases",
    "training",
    "hub",
    "notifications",
    "statuscheck",
    "handovers",
    "emergencies",
    "dashboards",
    "interop",
    "registers",
]

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that it can patch translated fields into it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    # its catalogs name the countries in es, en, fr and nl (cases.countries adds Kreyòl)
    "django_countries",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # the rooms: the library, personal-data protection, account security, the shell, the benchmark's command
    "helpers",
    "privacy",
    "accounts",
    "portal",
    "bench",
    *PORTAL_APPS,
]

MIDDLEWARE = [
    # First: a public page's current copy is answered here, whole, with the headers every middleware below
    # gave it when it was made (security headers included); nothing below runs (pagecache/__init__.py).
    "pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL and lone surrogates in the path, query or form: the translated 400 page (portal/middleware.py).
    "portal.middleware.UnreadableInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.security.StaffSessionMiddleware",
    "accounts.two_factor.SecondFactorMiddleware",
    "portal.middleware.StaffTimeZoneMiddleware",
    "portal.middleware.RefusedAccessAuditMiddleware",
    # Marks the reads a read replica may serve; without DATABASE_REPLICA_URL no router reads the mark.
    "portal.db_router.ReadReplicaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Production keeps each worker's database connection open for CONN_MAX_AGE seconds (default 60) instead of
# opening one per request (a new connection cost a third of a public page's time); a connection that
# died meanwhile (database restart) is checked and replaced at the start of the next request. 0 closes it
# after every request, as a laptop's runserver does by default.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica for public pages and dashboards (portal/db_router.py), off unless DATABASE_REPLICA_URL is set.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
# PostgreSQL's just-in-time compilation is off: the planner's estimate for a name search through the GIN index
# of name tokens (tens of thousands of rows, where the index finds a handful) crossed its threshold, and
# compiling took 140 ms of a 3 ms query. The full rebuild of the roll-ups is faster without it too: its few
# hundred statements each paid for their compilation (96 s instead of 132 at scale 1, docs/speed.md).
for _alias, _database in DATABASES.items():
    if "postgresql" in _database["ENGINE"]:
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# The same Redis backend, reusing its client instead of building one per operation and failing at once for a
# while after Redis stopped answering (portal/cache.py); a Redis that does not answer is given up after 0.5 s.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "portal.cache.RedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
# Each worker keeps up to this many bytes of public pages of its own, served without asking Redis while Redis
# tells it of every change (pagecache/local.py); 0 turns it off. With one Redis server only.
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_BYTES", default=16 * 1024 * 1024)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"

# Languages. Haitian Creole has no entry in Django's LANG_INFO: the portal adds one and ships its own
# catalogs. All five are reserved from the start because every translated model field has one column
# per language: adding a language later means a migration on every such model.
locale.LANG_INFO.setdefault(
    "ht", {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"}
)
LANGUAGE_CODE = "es"
LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("ht", _("Haitian Creole")),
]
# App catalogs come first: makemessages files each string under the first listed folder whose parent
# holds the source file, and the root catalog (shell, base templates) would otherwise swallow them all.
FORMAT_MODULE_PATH = ["portal.formats"]
LOCALE_PATHS = [BASE_DIR / app / "locale" for app in PORTAL_APPS] + [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("es", "en", "fr")

# Stored in UTC; shown in each country's own zone (Country.time_zone).
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

# Selects are written out in Python (helpers/renderers.py): the same markup, without a template per option.
FORM_RENDERER = "helpers.renderers.PortalFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console on a laptop; EMAIL_URL (smtp+tls://user:password@host:587) in production, where a
# backend that sends nothing (console, file, memory, dummy) would print participants' names and links to
# the server's log instead: production refuses to start without a real one.
if not DEBUG and not env("EMAIL_URL", default=""):
    raise ImproperlyConfigured("EMAIL_URL must be set when DEBUG is off (smtp+tls://user:password@host:587).")
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if not DEBUG and EMAIL_BACKEND.rsplit(".", 2)[-2] in {"console", "filebased", "locmem", "dummy"}:  # noqa: F821
    raise ImproperlyConfigured("EMAIL_URL must name a real mail server when DEBUG is off, not the console.")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Ventanillas <no-reply@ventanillas.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Without a broker, tasks run in-process (eagerly), which is what a laptop and the SQLite test
# run want. With CELERY_BROKER_URL (Redis), a worker and exactly one beat do the work.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND",
    default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "cache+memory://",
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish that cannot reach Redis fails fast instead of hanging a request: also a Redis that accepts the
# connection and then says nothing (stopped with SIGSTOP, or a half-open connection), which without a socket
# time-out held the request for minutes. 2 s is more than the worker's 1 s BRPOP waits for a reply.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_timeout": 2,
    "socket_connect_timeout": 1,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # A waitlisted participant's seat offer lapses at its deadline; the seat then goes to the next one.
    "training-expire-offers": {"task": "training.tasks.expire_offers", "schedule": 15 * 60},
    "training-session-reminders": {"task": "training.tasks.send_session_reminders", "schedule": 60 * 60},
}

# The outbox (notifications): the beat sends due messages every minute; builds the monthly country reports
# on the 1st and the quarterly regional ones. Due times live in the rows, never in long Celery ETAs.
CELERY_BEAT_SCHEDULE.update(
    {
        "notifications-dispatch-due": {
            "task": "notifications.dispatch_due",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        # 06:00 UTC on the 1st is past midnight in every programme country, so last month is complete.
        "notifications-resume-reports": {"task": "notifications.resume_reports", "schedule": 5 * 60},
        "notifications-monthly-reports": {
            "task": "notifications.build_monthly_reports",
            "schedule": crontab(minute=0, hour=6, day_of_month=1),
        },
        "notifications-quarterly-report": {
            "task": "notifications.build_quarterly_report",
            "schedule": crontab(minute=30, hour=6, day_of_month=1, month_of_year="1,4,7,10"),
        },
        # Appointments tomorrow, overdue follow-ups (08:00 local), stale processes, permits expiring.
        "cases-reminders": {"task": "cases.reminders.run", "schedule": 15 * 60, "options": {"expires": 14 * 60}},
        # Referrals unanswered after CASES_REFERRAL_REMINDER_DAYS: the partner and the clerk are reminded once.
        "cases-remind-unanswered-referrals": {
            "task": "cases.remind_unanswered_referrals",
            "schedule": 60 * 60,
            "options": {"expires": 55 * 60},
        },
        # Retention: closed cases past their country's period are anonymised; 07:15 UTC is night in the region.
        "cases-anonymise-expired": {
            "task": "cases.anonymise_expired_cases",
            "schedule": crontab(minute=15, hour=7),
        },
    }
)
# Dashboards: recompute the roll-up slices (country, day) touched since the last run; a full rebuild is
# `manage.py rebuild_rollups`.
# Crisis mode: each emergency in force, its figures by e-mail to its officers; 12:00 UTC is morning in the region.
CELERY_BEAT_SCHEDULE["dashboards-emergency-reports"] = {
    "task": "dashboards.send_emergency_reports",
    "schedule": crontab(minute=0, hour=12),
}
CELERY_BEAT_SCHEDULE["dashboards-refresh-rollups"] = {
    "task": "dashboards.refresh_rollups",
    "schedule": 10 * 60,
    "options": {"expires": 9 * 60},
}
# Nightly full rebuild (06:30 UTC is past midnight across the region) for changes the refresh cannot see.
CELERY_BEAT_SCHEDULE["dashboards-rebuild-rollups"] = {
    "task": "dashboards.rebuild_rollups",
    "schedule": crontab(minute=30, hour=6),
}
# DHIS2 (interop): the server the programme's published figures go to, a personal access token of a DHIS2
# account allowed to write them, the data set they belong to (ADX needs it) and how long to wait for an
# answer. The beat sends the month just ended on the 2nd at 07:00 UTC (after the nightly roll-up rebuild),
# with the quarter and the year when they end; without DHIS2_URL nothing is scheduled (docs/interop.md).
DHIS2_URL = env("DHIS2_URL", default="")
DHIS2_TOKEN = env("DHIS2_TOKEN", default="")
DHIS2_DATA_SET = env("DHIS2_DATA_SET", default="")
DHIS2_TIMEOUT = env.int("DHIS2_TIMEOUT", default=60)
# What the command and the beat send: "json" (a data value set) or "adx" (ADX XML, which needs DHIS2_DATA_SET).
DHIS2_FORMAT = env("DHIS2_FORMAT", default="json")
if DHIS2_URL:
    CELERY_BEAT_SCHEDULE["interop-push-dhis2"] = {
        "task": "interop.push_dhis2",
        "schedule": crontab(minute=0, hour=7, day_of_month=2),
    }
CELERY_IMPORTS = ["cases.reminders"]  # tasks outside the apps' tasks.py modules
# Backups (manage.py backup / restore, portal.backup): the database (pg_dump) and the uploaded files, each
# encrypted with BACKUP_KEY, a Fernet key kept apart from the field keys; the newest BACKUP_KEEP are kept in
# BACKUP_DIR. Nightly at 05:00 UTC (night across the region) when BACKUP_KEY is set.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
BACKUP_KEY = env("BACKUP_KEY", default="")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
if BACKUP_KEY:
    CELERY_BEAT_SCHEDULE["portal-backup"] = {"task": "portal.backup", "schedule": crontab(minute=0, hour=5)}
NOTIFICATIONS_SMS_BACKEND = env("NOTIFICATIONS_SMS_BACKEND", default="notifications.providers.LogProvider")
# Options of the gateway adapter (notifications.providers.MessagesApiProvider, the Twilio-style API).
NOTIFICATIONS_GATEWAY = {
    "base_url": env("SMS_GATEWAY_URL", default="https://api.twilio.com"),
    "account_sid": env("SMS_GATEWAY_ACCOUNT", default=""),
    "auth_token": env("SMS_GATEWAY_TOKEN", default=""),
    "sms_from": env("SMS_FROM", default=""),
    "whatsapp_from": env("WHATSAPP_FROM", default=""),
    "messaging_service_sid": env("SMS_MESSAGING_SERVICE", default=""),
}
# The person's own status check (statuscheck): the programme's number that answers "<reference> <PIN>"
# (shown on the slip; empty: the slip offers the web page only), the language of an answer to someone who has
# not yet proved who they are, and how many wrong PINs in a row lock a reference until the window issues a new one.
STATUSCHECK_SMS_NUMBER = env("STATUSCHECK_SMS_NUMBER", default="")
STATUSCHECK_SMS_LANGUAGE = env("STATUSCHECK_SMS_LANGUAGE", default=LANGUAGE_CODE)
STATUSCHECK_MAX_FAILURES = env.int("STATUSCHECK_MAX_FAILURES", default=5)
# No SMS or WhatsApp from 20:00 to 08:00 in the recipient's time zone; due times are moved to 08:00.
NOTIFICATIONS_QUIET_HOURS = (env.int("QUIET_HOURS_START", default=20), env.int("QUIET_HOURS_END", default=8))
# A claimed message whose worker died is claimed again after this many seconds (longer than any send).
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=300)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
# Crisis mode (emergencies): an emergency broadcast leaves at most this many messages a second on each
# channel (what the SMS/WhatsApp gateway and the mail server accept), and goes out in the quiet hours too
# unless EMERGENCY_QUIET_HOURS is on.
EMERGENCY_BROADCAST_RATES = {
    "sms": env.float("EMERGENCY_SMS_PER_SECOND", default=10.0),
    "whatsapp": env.float("EMERGENCY_WHATSAPP_PER_SECOND", default=20.0),
    "email": env.float("EMERGENCY_EMAIL_PER_SECOND", default=5.0),
}
EMERGENCY_QUIET_HOURS = env.bool("EMERGENCY_QUIET_HOURS", default=False)

# Security. Behind a TLS-terminating proxy in production; nothing of this bites on a laptop.
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Reverse proxies in front of the site. X-Forwarded-For and X-Forwarded-Proto come from the client unless a
# proxy we run overwrites them, so they are believed only when PROXY_HOPS says how many proxies there are
# (docker-compose.yml: one, Caddy). The client's address is then that many entries from the end of
# X-Forwarded-For (helpers.throttle.client_address): the public forms' limits and the login lockout use it.
PROXY_HOPS = env.int("PROXY_HOPS", default=0)
if PROXY_HOPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Staff sessions: a browser left open at a window ends after 30 minutes without a request, and any session
# after 8 hours (accounts.security.StaffSessionMiddleware); the cookie itself lasts no longer.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=8 * 60 * 60)
SESSION_COOKIE_AGE = STAFF_SESSION_MAX_SECONDS
# A password-reset link works for two hours (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
# Reset e-mails: at most this many per address and per client an hour; more requests get the same page.
PASSWORD_RESET_LIMIT = 3
# The participant's page linked from training e-mails (confirm, accept an offer, certificate): each message
# carries a fresh link, and a link older than this answers "expired".
ENROLMENT_LINK_MAX_AGE = env.int("ENROLMENT_LINK_DAYS", default=120) * 24 * 60 * 60

# Lockout (django-axes): ten wrong passwords for one username lock it for 30 minutes, whether or not the
# account exists, so the answer never tells which usernames are real; ten from one client address lock
# that address too (one password tried on many usernames). Ten, not three: the staff of a window share
# one address. A right password clears only the failures typed for that account from that address
# (accounts.security), never those of other usernames or addresses, so successes cannot walk around a lock.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "accounts.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.security.axes_client_ip"
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False  # accounts.security logs logins, failures and lockouts itself, without usernames typed
AXES_SENSITIVE_PARAMETERS = ["password", "token", "otp_token"]

# Two factors (django-otp: TOTP apps, and recovery codes as static tokens), required of every account
# with a role (accounts.two_factor). OTP_TOTP_ISSUER names the portal in the authenticator app.
OTP_TOTP_ISSUER = "Ventanillas"
# Only with DEBUG on: the second-factor page of a demo account shows its current code (make run).
DEMO_SECOND_FACTOR_HINT = DEBUG

# Content-Security-Policy (django-csp): nothing inline runs or styles without this request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

# Keys for personal data encrypted at rest (privacy.crypto): the first key encrypts, all decrypt. Rotate by
# putting a new key first, running `manage.py rotate_field_keys`, then removing the old one. Independent
# of SECRET_KEY. A key is a Fernet key (44 characters) or a long random passphrase.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    FIELD_ENCRYPTION_KEYS = ["insecure-development-field-key"]
# Keys of the keyed hashes that allow exact search on encrypted identifiers (document numbers, phones):
# the first hashes, searches try all; rotated with the same command.
SEARCH_HASH_KEYS = env.list("SEARCH_HASH_KEYS", default=[])
if not SEARCH_HASH_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("SEARCH_HASH_KEYS must be set when DEBUG is off.")
    SEARCH_HASH_KEYS = ["insecure-development-search-key"]
# Read once by the data migrations that move rows from the former SECRET_KEY-derived keys (privacy.crypto)
# and recompute the keyed hashes made with the former single SEARCH_HASH_KEY.
SALT_KEY = FIELD_ENCRYPTION_KEYS
LEGACY_SEARCH_HASH_KEY = env("SEARCH_HASH_KEY", default=SECRET_KEY)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs usernames and addresses; accounts.security logs the same events without them.
        "axes": {"level": "ERROR"},
    },
}

# `make bench` only: route the framework floor pages (bench/floor.py) that its figures are compared with.
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)

# Name shown in the header, and demo accounts only where the demo is loaded.
PORTAL_NAME = "Ventanillas Informativas"
# Scheme and host of the public site, for the links in messages sent outside a request (e-mails from tasks).
# Required in production: links in e-mails must not point at a laptop's address.
PORTAL_URL = env("PORTAL_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not PORTAL_URL:
    raise ImproperlyConfigured("PORTAL_URL must be set when DEBUG is off (https://ventanillas.example.org).")
# The figures API: requests per token per hour, and distinct periods per token per day (429 past either).
API_REQUESTS_PER_HOUR = env.int("API_REQUESTS_PER_HOUR", default=2000)
API_PERIODS_PER_DAY = env.int("API_PERIODS_PER_DAY", default=100)

# A figures API token works for this many days unless created with another `create_api_token --days`.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
# The worker probe (/health/?worker=1) answers only with "Authorization: Bearer <HEALTH_TOKEN>"; unset, never.
HEALTH_TOKEN = env("HEALTH_TOKEN", default="")
# Referrals: how long a partner's answer link holds, and after how many days an unanswered one is reminded.
CASES_REFERRAL_LINK_DAYS = env.int("CASES_REFERRAL_LINK_DAYS", default=30)
CASES_REFERRAL_REMINDER_DAYS = env.int("CASES_REFERRAL_REMINDER_DAYS", default=7)
# Days the programme has to answer a person's request to be erased (the window's task falls due then).
CASES_ERASURE_ANSWER_DAYS = env.int("CASES_ERASURE_ANSWER_DAYS", default=30)
# Register imports (registers): hours during which its author or an administrator can undo an import, and
# the most rows a file may have (a longer file is refused with a message; split it).
REGISTER_IMPORT_UNDO_HOURS = env.int("REGISTER_IMPORT_UNDO_HOURS", default=72)
REGISTER_IMPORT_MAX_ROWS = env.int("REGISTER_IMPORT_MAX_ROWS", default=200_000)
SILENCED_SYSTEM_CHECKS = ["models.W047"]  # nulls-distinct unique constraints are enforced on PostgreSQL only
