"""The one settings module: every deployment-specific value comes from an environment variable.

The embedded default (no variables set) is SQLite in WAL mode under ``var/``, an in-memory
channel layer, a local-memory cache and the database task backend. Setting ``DATABASE_URL`` and
``REDIS_URL`` turns the same code into the scale-out deployment described in ``docs/deploy.md``.
"""

import os
import secrets
import sys
import zoneinfo
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from watercooler.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WATERCOOLER_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)  # WhiteNoise warns at start when it is missing

TESTING = "pytest" in sys.modules
PRODUCTION = env_bool("WATERCOOLER_PRODUCTION", default=False)
DEBUG = env_bool("DEBUG", default=False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when WATERCOOLER_PRODUCTION is true")
    # Local use: generate once and keep it, so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Watercooler")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "channels",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "watercooler.core",
    "watercooler.people",
    "watercooler.communities",
    "watercooler.feed",
    "watercooler.announcements",
    "watercooler.questions",
    "watercooler.events",
    "watercooler.notifications",
    "watercooler.search",
    "watercooler.skills",
    "watercooler.insights",
    "watercooler.messaging",
    "watercooler.realtime",
    "watercooler.api",
    # On top of everything: it builds the demo organisation through every app below it.
    "watercooler.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (our own CSS, JavaScript and icons) leave here, before the page policy: a
    # Content-Security-Policy header means nothing on a script, a stylesheet or our logo, and its
    # 300 bytes on each of a page's files add up to a twentieth of a second on a slow phone link.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After WhiteNoise (static files come pre-compressed, with byte ranges, and never reach it),
    # before everything that writes the body: pages and API answers leave gzipped.
    "watercooler.core.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A POST with an Idempotency-Key (a queued offline write sent again) is made once.
    "watercooler.core.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "watercooler.core.middleware.RequireMfaMiddleware",
    "watercooler.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "watercooler.urls"
ASGI_APPLICATION = "watercooler.asgi.application"
WSGI_APPLICATION = "watercooler.wsgi.application"
# Threads that run HTTP requests in each `manage.py serve` process (core/wsgi_bridge.py). Two
# measured best on both databases: one request's query (PostgreSQL's round trips, SQLite's
# execution, which releases the interpreter) overlaps the other's Python (docs/performance.md).
HTTP_THREADS = env_int("HTTP_THREADS", 2, minimum=1)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "watercooler.core.context_processors.site",
                "watercooler.notifications.context_processors.unread_notifications",
                "watercooler.messaging.context_processors.unread_messages",
            ],
            # {% avatar %} is on nearly every page.
            "builtins": ["watercooler.people.templatetags.people_tags"],
        },
    },
    {
        # The product's hot templates (the post card), in each app's jinja2/ folder:
        # watercooler/jinja_env.py says why and how Django templates show them.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "watercooler.jinja_env.environment",
            "context_processors": ["watercooler.jinja_env.csrf_once"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
_sqlite_path = VAR_DIR / "watercooler.sqlite3"
try:
    _db = dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_sqlite_path}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
except Exception as exc:  # dj-database-url raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with a per-process pool of connections (core/sqlite_pool/base.py).
    _db["ENGINE"] = "watercooler.core.sqlite_pool"
    _db["OPTIONS"] = {
        # WAL lets readers and the single writer work at once; IMMEDIATE avoids
        # "database is locked" upgrades from read to write transactions.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file per pytest worker, as production does: an in-memory database shares its
    # cache between connections, where a write locks whole tables and another thread's read
    # fails at once ("database table is locked") instead of waiting, so tests that serve the
    # app in a thread (websockets, browsers) met errors production never sees. Named explicitly
    # because pytest-django only recognises Django's engine name: for ours it would derive a
    # name from the path (test_/…/watercooler.sqlite3_gw0) and fail under pytest -n.
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{_worker}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's pool is shared by every thread of the process (the HTTP thread, the websockets'
    # database thread, the event sender) and replaces a broken connection by itself.
    _pool_size = env_int("DATABASE_POOL_MAX_SIZE", 20, minimum=0)
    if _pool_size:
        if _db["CONN_MAX_AGE"]:
            raise ImproperlyConfigured(
                "DATABASE_CONN_MAX_AGE must be 0 while the connection pool is on "
                "(DATABASE_POOL_MAX_SIZE=0 turns the pool off)"
            )
        _db["OPTIONS"] = {"pool": {"min_size": 1, "max_size": _pool_size, "timeout": 10}}
else:
    raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache -------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://")
# Parallel test workers (pytest-xdist, named gw0, gw1, …) share one Redis server, as they share
# one database server: each keeps to its own keys and channels (a prefix), and to its own Redis
# database, because a test's cache.clear() empties the whole database it is in.
REDIS_PREFIX = env_str("REDIS_PREFIX", "watercooler")
_test_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _test_worker.startswith("gw") and _test_worker[2:].isdigit():
    REDIS_PREFIX += "-" + _test_worker
    if REDIS_URL.startswith(("redis://", "rediss://")):
        REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{int(_test_worker[2:]) + 1}").geturl()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": REDIS_PREFIX},
        }
    }
    CACHES = {
        "default": {
            # Django's Redis cache, with one connection pool a process (core/cache.py).
            "BACKEND": "watercooler.core.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "watercooler.realtime.layers.LocalChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks ---------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# /healthz answers 503 when the oldest due task has waited longer than this (a stuck worker).
HEALTHZ_MAX_TASK_LAG_SECONDS = env_int("HEALTHZ_MAX_TASK_LAG_SECONDS", 300, minimum=1)

# --- Accounts -----------------------------------------------------------------------------------
# Django's database sessions, read through a compiled query (core/sessions.py).
SESSION_ENGINE = "watercooler.core.sessions"
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "watercooler.people.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_RATE_LIMITS = {} if TESTING else {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# How long a process remembers an API token's owner: revocation and deactivation take effect in
# other processes within this many seconds (at once in the process that made the change).
API_TOKEN_CACHE_SECONDS = env_int("API_TOKEN_CACHE_SECONDS", 5, minimum=0)
ACCESS_CODE_LIFETIME_HOURS = env_int("ACCESS_CODE_LIFETIME_HOURS", 72, minimum=1)
INVITATION_LIFETIME_DAYS = env_int("INVITATION_LIFETIME_DAYS", 14, minimum=1)

# --- Email --------------------------------------------------------------------------------------
_email_host = env_str("EMAIL_HOST")
_email_use_tls = env_bool("EMAIL_USE_TLS", default=False)
_email_use_ssl = env_bool("EMAIL_USE_SSL", default=False)
if _email_use_tls and _email_use_ssl:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
_email_port = env_int("EMAIL_PORT", 465 if _email_use_ssl else 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <watercooler@localhost>")
# Without an SMTP host (the embedded default) mail is written to var/mail/ so it can be read.
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": _email_port,
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": _email_use_tls,
                "use_ssl": _email_use_ssl,
                "timeout": env_int("EMAIL_TIMEOUT", 20, minimum=1),
            },
        }
        if _email_host
        else {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    )
}
# A mention, a reply or a message not seen in the app within this many minutes is emailed
# (docs/notifications.md).
MISSED_ACTIVITY_EMAIL_MINUTES = env_int("MISSED_ACTIVITY_EMAIL_MINUTES", 10, minimum=0)
# Reply by email: emails about a thread carry a Reply-To at this domain, whose mail must reach
# `manage.py email_gateway` or POST /api/v1/email/inbound. Unset: no Reply-To, no replies.
EMAIL_REPLY_DOMAIN = (env_str("EMAIL_REPLY_DOMAIN") or "").strip().lower()
# Web push: the VAPID key that signs pushes (PEM, or the raw key in base64url). Unset, one is
# generated into var/ (like the secret key); in production without it, push is off.
WEBPUSH_VAPID_PRIVATE_KEY = env_str("WEBPUSH_VAPID_PRIVATE_KEY")
# Who push services may contact about our pushes (RFC 8292's "sub").
WEBPUSH_SUBJECT = env_str("WEBPUSH_SUBJECT") or "mailto:" + (
    parseaddr(DEFAULT_FROM_EMAIL)[1] or "watercooler@localhost"
)
# Push endpoints must be https, but for these hosts (a local receiver in tests).
WEBPUSH_TEST_HOSTS = env_list("WEBPUSH_TEST_HOSTS", [])
# The shared secret a mail provider's inbound webhook sends (Authorization: Bearer …); unset, the
# webhook answers 404.
EMAIL_INBOUND_SECRET = env_str("EMAIL_INBOUND_SECRET") or ""

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC") or "UTC"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE must be a time zone name like Europe/Paris, got {TIME_ZONE!r}"
    ) from None
USE_I18N = True
USE_TZ = True

# --- Search -------------------------------------------------------------------------------------
# The language words are stemmed in ("pricing" finds "prices"): PostgreSQL has a stemmer for
# each of these; SQLite's FTS5 stems English only and matches other languages word for word.
# After changing it, run `manage.py reindex`.
SEARCH_LANGUAGE = (env_str("SEARCH_LANGUAGE", "english") or "english").lower()
_SEARCH_LANGUAGES = {
    *("arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "finnish"),
    *("french", "german", "greek", "hindi", "hungarian", "indonesian", "irish", "italian"),
    *("lithuanian", "nepali", "norwegian", "portuguese", "romanian", "russian", "serbian"),
    *("spanish", "swedish", "tamil", "turkish", "yiddish"),
}
if SEARCH_LANGUAGE not in _SEARCH_LANGUAGES:
    raise ImproperlyConfigured(
        f"SEARCH_LANGUAGE must be one of {', '.join(sorted(_SEARCH_LANGUAGES))},"
        f" got {SEARCH_LANGUAGE!r}"
    )
# How many of the newest matches of a search are ranked (docs/search.md, "Ranking").
SEARCH_CANDIDATES = env_int("SEARCH_CANDIDATES", 400, minimum=20)

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
# The app decides who gets each uploaded file (watercooler/core/media.py). By default it also
# sends the bytes; behind nginx or Apache it can hand the sending to the proxy with an internal
# redirect instead: "x-accel-redirect" (nginx, to MEDIA_INTERNAL_PREFIX + the file's name, a
# location marked `internal`) or "x-sendfile" (Apache mod_xsendfile, lighttpd: the file's path).
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT", "").strip().lower()
if MEDIA_ACCEL_REDIRECT not in ("", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured(
        "MEDIA_ACCEL_REDIRECT must be empty, x-accel-redirect or x-sendfile, got "
        f"{MEDIA_ACCEL_REDIRECT!r}"
    )
MEDIA_INTERNAL_PREFIX = "/" + env_str("MEDIA_INTERNAL_PREFIX", "/protected-media/").strip("/") + "/"
if not env_bool("SERVE_MEDIA", default=True):
    # SERVE_MEDIA=false used to mean "the proxy serves /media/ to anyone"; files now always pass
    # the app's access check, so a deployment still set up that way must change its proxy.
    raise ImproperlyConfigured(
        "SERVE_MEDIA=false is no longer supported: the app always decides who gets a file. "
        "Remove it, and let the proxy send files with MEDIA_ACCEL_REDIRECT (docs/deploy.md)."
    )
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 8 * 1024 * 1024, minimum=1024)
# Post attachments (watercooler/feed/attachments.py): bytes per file and files per post.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
ATTACHMENT_MAX_PER_POST = env_int("ATTACHMENT_MAX_PER_POST", 10, minimum=1)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF, "ws:", "wss:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
