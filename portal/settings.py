"""Settings of the portal, read from environment variables only.

Safe production defaults: DEBUG is off and SECRET_KEY is required unless
DJANGO_DEBUG=1. The embedded default (no DATABASE_URL, no CELERY_BROKER_URL)
is a SQLite file and eager Celery tasks, which is what `make demo` uses.
"""

import base64
import datetime
import os
import re
import warnings
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from portal.cache import redis_cache
from portal.release import code_release

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make demo` writes var/demo.env (DJANGO_DEBUG=1), so that every `manage.py` command of the README works as
# written on the demo's machine. It never overrides a variable set in the environment (the test settings set
# DJANGO_DEBUG=0 first); a deployment has no such file.
LOCAL_ENV = Path(os.environ.get("PORTAL_LOCAL_ENV", "") or BASE_DIR / "var" / "demo.env")
if LOCAL_ENV.is_file():
    environ.Env.read_env(LOCAL_ENV)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY doit être défini quand DJANGO_DEBUG est désactivé.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address of the portal, for links in e-mails sent by tasks.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin with its site replaced by portal.admin_site.PortalAdminSite (second factor for admins).
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_prose_editor",  # static files only: the rich-text editor's bundle (commissions.meetings.forms)
    "bootstrap",
    "django_htmx",  # request.htmx, and htmx-2.min.js among the static files
    "portal.apps.AxesConfig",  # django-axes, named in French in the admin
    "csp",
    "django_otp",
    "portal.apps.TotpConfig",  # django_otp.plugins.otp_totp, named in French in the admin
    "health_check",
    "ops",
    "members",
    "commissions",
    "decisions",
    "stats",
    "supports",
    "demo",
    "home",  # the home page by role and the search (the top layer: reads every app)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files for /api/v1/docs/, from the wheel (no CDN)
    "api",  # the read-only JSON API /api/v1/ (the top layer: reads every app, nothing imports it)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.SessionLifetimeMiddleware",
    "portal.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # With DEBUG (the demo), the French 404 page instead of Django's technical one.
    "portal.errors.FrenchNotFoundInDebug",
    # Last, as django-axes requires: it turns a flagged login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# A form refused for its CSRF token: a French page, DEBUG or not.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.menu",
            ],
            # base.html's summary of a form's errors and the "Erreur :" of the page title (portal/form_errors.py).
            "libraries": {"form_errors": "portal.form_errors"},
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections: a new PostgreSQL connection per request costs more
# than most of our pages (see the README's benchmark figures).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (README, national scale): a server-side cursor (`.iterator()`) cannot outlive
# the transaction that PgBouncer lends a server connection for.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:index"  # the home page by role: what is due
LOGOUT_REDIRECT_URL = "login"
# Invitation and password-reset links stay valid three days.
# Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane: ~27 ms of CPU here, against ~240 ms for
# PBKDF2 at Django's 1,000,000 iterations, for the same resistance by OWASP's reckoning). Approvals type the
# password again, so its cost is paid at every approval. Older hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "portal.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded and generated files: local files by default; an S3-compatible object store (MinIO, Ceph,
# Scaleway, OVH, AWS…) when S3_BUCKET is set, so that several web nodes and workers share them.
# Files stay private: downloads go through the portal's views (access checks), never a public URL.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            # Empty: boto3 looks for AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or an instance role itself.
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "default_acl": None,  # the bucket's policy (private)
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest accepted upload, checked by portal.uploads (the proxy should refuse larger bodies too).
UPLOAD_MAX_SIZE = env.int("UPLOAD_MAX_MB", default=20) * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# The portal's electronic seal on each transmitted RDD document (supports.seal, PAdES with pyHanko): a PEM
# certificate and key (SEAL_CERT_FILE, SEAL_KEY_FILE, SEAL_KEY_PASSPHRASE) or a PKCS#12 file
# (SEAL_PKCS12_FILE, SEAL_PKCS12_PASSPHRASE); SEAL_CA_FILES: the issuing chain, embedded in the signature and
# trusted by the "Vérifier un relevé" page. Without them a transmission is refused. TSA_URL: an RFC 3161
# time-stamping authority (PAdES B-T; B-B without it). With DEBUG the demo certificate of `manage.py demo_seal`.
SEAL_DEMO_DIR = BASE_DIR / "var" / "seal"
SEAL_CERT_FILE = env.str("SEAL_CERT_FILE", default=str(SEAL_DEMO_DIR / "seal-cert.pem") if DEBUG else "")
SEAL_KEY_FILE = env.str("SEAL_KEY_FILE", default=str(SEAL_DEMO_DIR / "seal-key.pem") if DEBUG else "")
SEAL_KEY_PASSPHRASE = env.str("SEAL_KEY_PASSPHRASE", default="")
SEAL_PKCS12_FILE = env.str("SEAL_PKCS12_FILE", default="")
SEAL_PKCS12_PASSPHRASE = env.str("SEAL_PKCS12_PASSPHRASE", default="")
SEAL_CA_FILES = env.list("SEAL_CA_FILES", default=[])
TSA_URL = env.str("TSA_URL", default="")
# The transmitted RDD reaches every member by e-mail (decisions.emails.notify_document): attached up to this size,
# beyond it a download link that works without an account for RDD_LINK_DAYS days (supports.links).
RDD_EMAIL_ATTACHMENT_MAX_BYTES = env.int("RDD_EMAIL_ATTACHMENT_MAX_MB", default=5) * 1000 * 1000
RDD_LINK_DAYS = env.int("RDD_LINK_DAYS", default=60)
# The keys of the RDD trail's chain (decisions.trail: HMAC-SHA-256), kept outside the database so that someone who
# can write the tables cannot recompute the chain: TRAIL_KEYS "id:key,id:key" (each key base64 or hex, 32 bytes
# or more), TRAIL_KEY_ID the key of new entries (the only one when there is one); the others, retired, verify the
# entries they sealed. With DEBUG and no TRAIL_KEYS, the demo key `make demo` writes to var/trail/keys
# (git-ignored). Without a key the portal does not start.
TRAIL_KEYS_DEMO_FILE = BASE_DIR / "var" / "trail" / "keys"


def _trail_keys(value: str) -> dict[str, bytes]:
    keys = {}
    for pair in filter(None, (part.strip() for part in value.split(","))):
        key_id, _, text = pair.partition(":")
        key_id, text = key_id.strip(), text.strip()
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", key_id):
            raise ImproperlyConfigured(
                f"TRAIL_KEYS : identifiant de clé invalide « {key_id} » (lettres, chiffres, _.-)."
            )
        try:
            if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", text):
                key = bytes.fromhex(text)
            else:
                key = base64.b64decode(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True)
        except ValueError:
            key = b""
        if len(key) < 32:
            raise ImproperlyConfigured(
                f"TRAIL_KEYS : la clé « {key_id} » doit faire au moins 32 octets (base64 ou hex)."
            )
        keys[key_id] = key
    return keys


_trail_keys_text = env.str("TRAIL_KEYS", default="")
if not _trail_keys_text and DEBUG and TRAIL_KEYS_DEMO_FILE.exists():
    _trail_keys_text = TRAIL_KEYS_DEMO_FILE.read_text()
TRAIL_KEYS = _trail_keys(_trail_keys_text)
TRAIL_KEY_ID = env.str("TRAIL_KEY_ID", default=next(iter(TRAIL_KEYS)) if len(TRAIL_KEYS) == 1 else "")
if not TRAIL_KEYS:
    raise ImproperlyConfigured(
        "TRAIL_KEYS doit être défini (« id:clé », clé de 32 octets ou plus en base64 ou hex) : le journal des "
        "relevés est chaîné par une clé gardée hors de la base."
        + (" En démonstration, `make demo` écrit une clé dans var/trail/keys." if DEBUG else "")
    )
if TRAIL_KEY_ID not in TRAIL_KEYS:
    raise ImproperlyConfigured("TRAIL_KEY_ID doit désigner une des clés de TRAIL_KEYS (celle des nouvelles entrées).")

# Largest PDF the "Vérifier un relevé" page reads.
VERIFY_UPLOAD_MAX_SIZE = env.int("VERIFY_UPLOAD_MAX_MB", default=20) * 1024 * 1024

# Cache: Redis when CACHE_URL (or REDIS_URL) is set, shared by every web node; per-process memory otherwise.
CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
# Every key starts with the release (portal.release): a deployment never reads the previous release's parts.
PORTAL_RELEASE = env.str("PORTAL_RELEASE", default="") or code_release(BASE_DIR)
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    # django-redis, with the cache's failures ignored and logged: with Redis down or not answering (0.5 s at
    # most per command), a read is a miss and a write is skipped, so pages are computed, sessions read from
    # the database (cached_db) and nobody is locked out. The throttles do not rely on it (database).
    CACHES = {
        "default": redis_cache(
            CACHE_URL,
            key_prefix=f"portal-{PORTAL_RELEASE}",
            socket_timeout=env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            retry_seconds=env.float("CACHE_RETRY_SECONDS", default=5.0),
        )
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "portal.cache"
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL doit être une adresse redis://, rediss:// ou unix://.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": PORTAL_RELEASE}}
# Parts of pages kept in the cache until their data changes (portal.generations). Only with a cache that
# every web process shares (Redis), or in a one-process demo: per-process memory would serve one process's
# stale copy after another process's change.
PAGE_CACHE = env.bool("PAGE_CACHE", default=bool(CACHE_URL) or DEBUG)
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=300)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Secrétariat des commissions <commissions@localhost>")
# Where EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend writes each e-mail (one file per message).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
# The Date header in TIME_ZONE with its offset ("+0100"), not in UTC written "-0000" (unknown offset).
EMAIL_USE_LOCALTIME = True

# Celery: without a broker the tasks run eagerly (embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# A background job (portal.jobs) whose row has had no heartbeat for this long may be claimed again.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=120)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# The in-memory transport of eager tasks, named with a host: Celery's eager calls still take a producer, and kombu
# warns "No hostname was supplied" at each one for a bare "memory://".
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A message is acknowledged once its task has run, and given back to the queue if the worker process dies
# (SIGKILL, out of memory); Redis gives an unacknowledged message to another worker after the visibility
# timeout, which must stay longer than the longest task (CELERY_TASK_TIME_LIMIT) or a running task would be
# delivered twice. A message delivered twice is a no-op: every job is a row claimed once (portal.jobs), and the
# rows left waiting or stale are sent again by Celery beat every minute.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900)}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
# Separate queues so that a burst of PDF renderings or of statistical imports never delays the
# e-mails (default queue). Routed by task name pattern, first match wins. A worker started without
# -Q consumes every queue below; on several machines start e.g. `-Q pdf` and `-Q celery,imports`.
# CELERY_QUEUE_PREFIX lets two portals (e.g. staging and production) share one Redis.
CELERY_QUEUE_PREFIX = env.str("CELERY_QUEUE_PREFIX", default="")
CELERY_TASK_DEFAULT_QUEUE = f"{CELERY_QUEUE_PREFIX}celery"
# Each queue has its own routing key: with the default one ("celery") for all, the direct exchange
# would copy every message into every queue, and each task would run once per queue.
CELERY_TASK_QUEUES = tuple(
    Queue(
        CELERY_QUEUE_PREFIX + name,
        Exchange(CELERY_TASK_DEFAULT_QUEUE, type="direct"),
        routing_key=CELERY_QUEUE_PREFIX + name,
    )
    for name in ("celery", "pdf", "imports")
)
CELERY_TASK_ROUTES = {
    # Exact names come before the patterns: the beat's re-dispatch must not wait behind a long import.
    "stats.tasks.redispatch_stale_imports": {"queue": f"{CELERY_QUEUE_PREFIX}celery"},
    "*.render_*": {"queue": f"{CELERY_QUEUE_PREFIX}pdf"},
    "stats.tasks.*": {"queue": f"{CELERY_QUEUE_PREFIX}imports"},
    "*.import_*": {"queue": f"{CELERY_QUEUE_PREFIX}imports"},
}
# /sante/ pings the workers (and checks that every queue above has one) when a broker is configured;
# HEALTH_CHECK_CELERY_WORKERS=0 leaves that to another probe (the broker itself is still checked).
# PDF supports (supports/conf.py): a statistics table longer than this appears as its first rows and totals,
# the full table as an XLSX annex.
SUPPORTS_TABLE_MAX_ROWS = env.int("SUPPORTS_TABLE_MAX_ROWS", default=30)
# A support whose meeting changed is rendered again this many seconds after the last change (supports.refresh;
# 0: only by the secretariat's button).
SUPPORTS_REFRESH_SECONDS = env.int("SUPPORTS_REFRESH_SECONDS", default=120)

HEALTH_CHECK_CELERY_WORKERS = env.bool(
    "HEALTH_CHECK_CELERY_WORKERS", default=not CELERY_BROKER_URL.startswith("memory://")
)

# Sessions end after 30 minutes without a request and 12 hours after the login at most
# (portal.middleware.SessionLifetimeMiddleware); the key changes at every login (django.contrib.auth).
# The idle timeout is renewed by saving the session, at most once every SESSION_REFRESH_SECONDS
# (portal.middleware.SessionLifetimeMiddleware) instead of at every request (SESSION_SAVE_EVERY_REQUEST):
# most requests write nothing, and a session ends between 29 and 30 minutes after its last request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
# With a shared cache (Redis), sessions are read from it and written to both: the database stays the
# source of truth. Not with the per-process memory cache, which other processes would not see change.
if CACHE_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_MAX_LIFETIME = env.int("SESSION_MAX_LIFETIME_SECONDS", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content security policy: only the portal's own scripts, styles, images and fonts; no inline script
# or style (confirmations use static/js/confirm.js with data-confirm). Bootstrap's CSS draws its form
# controls' icons with data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The JSON API (/api/v1/, app `api`): read-only, a personal token (Authorization: Bearer) or the session,
# throttled per account; its OpenAPI schema is checked in as api/openapi.yaml (tests/api/test_schema.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.OParlPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/hour"),
        "user": env.str("API_THROTTLE_USER", default="3600/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du portail des commissions paritaires",
    "DESCRIPTION": "Compositions, réunions, ordres du jour, relevés de décisions transmis et tableaux statistiques "
    "des commissions que le compte voit, en lecture seule, sur le modèle d'OParl 1.1.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.error_responses"],
}

# Login throttling (django-axes): after 5 failures for the same user name from the same address, that
# pair is locked out for AXES_COOLOFF_MINUTES. Behind a proxy every request may come from the proxy's
# address: the lock then applies to the user name, which is what we want for an intranet.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_COOLOFF_MESSAGE = "Compte temporairement bloqué après trop de tentatives de connexion. Réessayez plus tard."
AXES_PERMALOCK_MESSAGE = "Compte bloqué après trop de tentatives de connexion. Contactez un administrateur."
AXES_VERBOSE = False  # our own records go to the "portal.security" logger

# Two-factor authentication for the admin site (django-otp, TOTP): on unless ADMIN_REQUIRE_OTP=0,
# also in the demo (`manage.py demo_otp` prints the demo admin's code).
ADMIN_REQUIRE_OTP = env.bool("ADMIN_REQUIRE_OTP", default=True)
OTP_TOTP_ISSUER = "Portail des commissions paritaires"

# Retention periods, in days, applied by `manage.py purge_expired` (approved records are never touched).
RETENTION_DAYS = {
    "login_attempts": env.int("RETENTION_LOGIN_ATTEMPTS_DAYS", default=30),
    "access_logs": env.int("RETENTION_ACCESS_LOGS_DAYS", default=365),
    "revoked_calendar_tokens": env.int("RETENTION_REVOKED_CALENDAR_TOKENS_DAYS", default=90),
    # The addresses of the RDD trails (decisions.TrailAccess); the trail keeps their keyed digest for ever.
    "trail_ips": env.int("RETENTION_TRAIL_IPS_DAYS", default=365),
}

# Logs go to the standard error, one line per record; LOG_FORMAT=json writes one JSON object per line
# (for a log collector). Security events (failed logins, lockouts, denied accesses) use the
# "portal.security" logger, server errors with their incident id "portal.errors".
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "text"}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pikepdf logs its own start at INFO (supports.pdfua opens every rendered PDF).
        "pikepdf": {"level": "WARNING"},
    },
}
# pyHanko imports cryptography's DSA key class for its signature types; the portal signs with ECDSA or RSA only.
warnings.filterwarnings("ignore", message="DSA is deprecated")
