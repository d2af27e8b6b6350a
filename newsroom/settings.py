"""Settings for the newsroom, read from the environment.

Without any environment the project runs embedded: SQLite in the project
folder, local-memory cache, files on local disk, answering on this machine only.
Production sets ALLOWED_HOSTS, SECRET_KEY, SITE_URL, DATABASE_URL and friends
(see README.md); it then gets HTTPS unless HTTPS=0.
"""

import os
import secrets
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Without ALLOWED_HOSTS the site answers only to this machine's own names (the demo, a
# laptop, the tests). A site that names the host the public reaches is in production:
# it must be given its SECRET_KEY and gets HTTPS by default.
PRODUCTION = not DEBUG and bool(env_list("ALLOWED_HOSTS"))


def _secret_key():
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if DEBUG:
        return "django-insecure-development-only-never-use-in-production"
    if PRODUCTION:
        # A key made up here would differ from server to server (and from the key of
        # the task worker and the mail job): signed links and sessions would break.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the same secret key on every server of the site, "
            "e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(50))'")
    # A local installation without SECRET_KEY gets a random key of its own, kept
    # beside the database.
    path = Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key
    except OSError as error:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment.") from error


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The sites framework is only here for flatpages (Impressum, Datenschutz,
# Barrierefreiheit); absolute links are built from SITE_URL.
SITE_ID = 1
# The organisation (its slug) that issues imported items naming none; the import
# command's --organisation overrides it.
IMPORT_DEFAULT_ORGANISATION = os.environ.get("IMPORT_DEFAULT_ORGANISATION", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "axes",
    "csp",
    "ckeditor",
    "nested_admin",
    "reversion",
    "releases",
    "exchange",
    "django_tasks",
    "django_tasks_db",
    "journalists",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "releases.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "releases.middleware.DatabaseUnavailableMiddleware",
    "releases.middleware.NotFoundUncachedMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Answers from the page cache; what comes after never sees such a request.
    "releases.caching.PageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

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
                "releases.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # In production each worker keeps its connection (checked before each request):
        # a new one per request costs PostgreSQL a new process with cold caches, a search
        # some 20 ms more, and SQLite the page cache of the one before. The development
        # server starts a thread per request, where a kept connection is never used again.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while an editor saves; IMMEDIATE avoids
        # "database is locked" errors when two writes start at once.
        "transaction_mode": "IMMEDIATE",
        # A search for a common word reads thousands of pages of the full-text index:
        # with SQLite's default page cache of 2 MiB it reads them again for every search
        # (32 MiB: 100,000 releases, a common word's page 45 to 66 ms of CPU before, 38 to
        # 40 after). Each connection fills it only as far as it reads.
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                         "PRAGMA cache_size=-32768;"),
    }
# Read replicas (PostgreSQL streaming replicas of DATABASE_URL): aliases "replica",
# "replica2", ... Public pages read from them; writes and the editorial workflow stay on
# the primary (newsroom/routers.py). Tests mirror them onto the test database.
for _number, _url in enumerate(
        env_list("DATABASE_REPLICA_URLS", os.environ.get("DATABASE_REPLICA_URL", "")), start=1):
    DATABASES["replica" if _number == 1 else f"replica{_number}"] = {
        **dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
                                conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# The first catalogue holds the strings of the templates and of every app without one of
# its own (makemessages files them there).
LOCALE_PATHS = [BASE_DIR / "releases" / "locale", BASE_DIR / "exchange" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Embedded installations serve uploaded files themselves; production leaves
# them to the web server or object storage.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

# Uploads on local disk, or in an S3-compatible bucket (STORAGE_BACKEND=s3 or a bucket
# name set). Media are public by URL (no signed query strings, so a CDN can cache them);
# files of releases not yet public stay unfindable because names are random and the
# bucket policy allows reading objects but not listing them (docs/DEPLOYMENT.md).
MEDIA_IN_S3 = (os.environ.get("STORAGE_BACKEND", "").lower() == "s3"
               or bool(os.environ.get("AWS_STORAGE_BUCKET_NAME")))
if MEDIA_IN_S3:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "default_acl": None,  # the bucket policy decides
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    }
    SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without a collectstatic run (the embedded default) whitenoise serves
# straight from the app folders.
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", False)
if WHITENOISE_USE_FINDERS:
    # STATIC_ROOT only exists after collectstatic; without it there is nothing to warn about.
    warnings.filterwarnings("ignore", message="No directory at")

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644
MAX_IMAGE_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_FRAMES = 500
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
# The sign-language video (BITV 2.0 § 4) and its WebVTT captions; below nginx's
# client_max_body_size (deploy/nginx.conf).
MAX_VIDEO_BYTES = 55 * 1024 * 1024
MAX_CAPTIONS_BYTES = 1024 * 1024

LOGIN_URL = "admin:login"
# Where a login without a (safe) next address leads: the editors' desk.
LOGIN_REDIRECT_URL = "admin:index"

# Brute-force protection (django-axes): five failed logins for one user name from one
# address lock that combination for 15 minutes, so a colleague mistyping cannot lock an
# editor out everywhere; twenty for one user name from any addresses lock the name
# everywhere, so many addresses buy no more guesses (releases/logins.py). A success
# clears the failures of its address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "releases.logins.LoginFailureHandler"
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURE_LIMIT_PER_USER = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
# In this order: the handler reads the pair's count first, then the name's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
# Fifteen minutes from the fifth failure, as the lockout page says; trying again while
# locked does not make it longer.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_CLIENT_IP_CALLABLE = "releases.clientaddress.client_ip"


def _trusted_proxies():
    # BEHIND_PROXY=1, the older spelling, means one proxy.
    value = os.environ.get("TRUSTED_PROXIES", "").strip() or (
        "1" if env_bool("BEHIND_PROXY", False) else "0")
    if not value.isdigit():
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES must be the number of proxies in front (0, 1, 2, ...), "
            f"not {value!r}.")
    return int(value)


# The proxies in front that append to X-Forwarded-For (README.md, "Client addresses"):
# 0 none, 1 nginx, 2 a load balancer and nginx, one more for a CDN. Login protection,
# rate limits and the audit log take the client's address from them
# (releases/clientaddress.py), Django the scheme from their X-Forwarded-Proto.
TRUSTED_PROXIES = _trusted_proxies()
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HTTPS in production: redirects to https, HSTS, cookies only over TLS. HTTPS=0 for a
# site served over plain http. A local site (no ALLOWED_HOSTS: the demo) serves http.
HTTPS = env_bool("HTTPS", PRODUCTION)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 31_536_000)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp). The public site runs no JavaScript at all; its
# JSON-LD <script type="application/ld+json"> is data, which no policy blocks. Django's
# admin needs nothing more; admin pages with CKEditor 4 get inline scripts and styles
# (releases.middleware.CKEDITOR_CSP_RELAXATIONS, which says why). Uploaded files get a
# policy of their own (releases/views/media.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: only for the empty favicon (<link rel="icon" href="data:,">) that spares
        # browsers a request for /favicon.ico; an image cannot run anything.
        "img-src": [SELF, "data:"],
        # The sign-language video and its captions (<video>, <track>): this site only.
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    },
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"



def _cache(url):
    """CACHE_URL: redis://host:6379/0 (shared by all app servers), "locmem" or "dummy"."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            # Redis, or no cache while Redis is down or hangs (releases/cache_backend.py):
            # a request waits at most these timeouts, once, and the site renders uncached.
            "BACKEND": "releases.cache_backend.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("CACHE_CONNECT_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("CACHE_SOCKET_TIMEOUT", "0.5")),
                "retry_after": float(os.environ.get("CACHE_RETRY_AFTER", "5")),
            },
        }
    if url == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if url in {"", "locmem"}:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"CACHE_URL must be redis://..., locmem or dummy, not {url!r}.")


CACHES = {"default": _cache(os.environ.get("CACHE_URL", "").strip())}

# Public pages and feeds are kept in that cache for at most PAGE_CACHE_SECONDS (0: not
# cached), and shorter when a scheduled release or the end of an embargo comes sooner;
# any change the public sees drops them at once (releases/caching.py). Browsers and a
# CDN may keep them PAGE_MAX_AGE seconds (or a feed's or calendar's own max-age), never
# past that moment either.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "60"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: a folder that
# receives each mail as a file (a test installation that must send nothing).
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]

# Journalist services (journalists/): e-mail alerts, embargoed material, accreditation.
# Daily digests go out at this hour, Europe/Berlin.
ALERTS_DIGEST_HOUR = int(os.environ.get("ALERTS_DIGEST_HOUR", "7"))
# Unconfirmed subscriptions and registrations are deleted after this many days.
ALERTS_CONFIRMATION_DAYS = int(os.environ.get("ALERTS_CONFIRMATION_DAYS", "7"))
# The periodic sweep queues releases that became public in these last days.
ALERTS_SWEEP_DAYS = int(os.environ.get("ALERTS_SWEEP_DAYS", "2"))
# A claimed mail not marked sent within this many seconds is tried again.
ALERTS_LEASE_SECONDS = int(os.environ.get("ALERTS_LEASE_SECONDS", "600"))
# The mailto: of List-Unsubscribe; requests arriving there are handled by hand.
ALERTS_UNSUBSCRIBE_EMAIL = os.environ.get("ALERTS_UNSUBSCRIBE_EMAIL", DEFAULT_FROM_EMAIL)
# The sender's name of mails not about one office's release or appointment (those
# carry the office's name); the address is DEFAULT_FROM_EMAIL (journalists/emails.py).
ALERTS_FROM_NAME = os.environ.get("ALERTS_FROM_NAME", "Newsroom")
# Mail domains this server may send for (SPF, DKIM): an office whose press address is
# in one of them sends its alerts from that address instead of DEFAULT_FROM_EMAIL.
ALERTS_SENDER_DOMAINS = [domain.strip().lower() for domain in os.environ.get(
    "ALERTS_SENDER_DOMAINS", "").split(",") if domain.strip()]
# With a task worker running (manage.py db_worker), queued alerts are sent at once
# instead of at the next run of send_alerts.
ALERTS_USE_TASK_WORKER = env_bool("ALERTS_USE_TASK_WORKER", False)
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Newsroom",
        "toolbar_Newsroom": [
            ["Format", "Bold", "Italic"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink", "Table"],
            ["Undo", "Redo", "RemoveFormat", "Source"],
        ],
        "format_tags": "p;h2;h3;h4",
        # A heading pasted from Word ("Überschrift 1") stays a heading: saved as h2
        # (releases.html.clean_html), not turned into a paragraph by the editor.
        "extraAllowedContent": "h1",
        "linkDefaultProtocol": "https://",
        "removePlugins": "image,flash,iframe,smiley,forms,exportpdf",
        "height": 380,
        "width": "100%",
        "language": "de",
        "entities": False,
        "disableNativeSpellChecker": False,
    }
}

# django-ckeditor warns that the CKEditor 4 it bundles is end-of-life. We
# accept the editor as the client's choice but trust nothing it sends: every
# rich-text value is cleaned with nh3 on save (releases/html.py, tested in
# tests/test_sanitising.py), and its file uploader is not installed.
#
# models.W040: the covering index of Release.objects.public() includes columns only on
# PostgreSQL, where listings of a hundred thousand releases need it; SQLite builds the
# same index without them, which is all the embedded setup needs.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001", "models.W040"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
