"""Settings shared by every environment; production-safe defaults, secrets from the environment."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("MAILLAGE_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "simple_history",
    "ninja",
    "maillage.web.dataversion",
    "maillage.web.accounts",
    "maillage.web.territories",
    "maillage.web.supply",
    "maillage.web.diagnostics",
    "maillage.web.access",
    "maillage.web.coordination",
    "maillage.web.outreach",
    "maillage.web.reporting",
]

MIDDLEWARE = [
    # Outermost: every error under /api/ leaves as French JSON, whatever layer produced it.
    "maillage.web.api_errors.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "maillage.web.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change, for the model history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Pages and exports showing personal data are never cached (accounts.personal_data).
    "maillage.web.accounts.personal_data.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "maillage.web.ratelimit.AnonymousApiBudgetMiddleware",
]

ROOT_URLCONF = "maillage.web.urls"
WSGI_APPLICATION = "maillage.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.web.context.site",
            ],
            # French number / amount / date filters of the one formatting layer.
            "builtins": ["maillage.web.formatting"],
        },
    },
]

# SQLite (the embedded default) serves several users at once only with these options; see
# docs/exploitation.md. A write waits up to this many seconds for another one to finish (an
# import holds the write lock only for its final, short transaction).
MAILLAGE_SQLITE_BUSY_TIMEOUT = float(os.environ.get("MAILLAGE_SQLITE_BUSY_TIMEOUT", "20"))


def sqlite_options(database: dict, busy_timeout: float = MAILLAGE_SQLITE_BUSY_TIMEOUT) -> dict:
    """Options of a SQLite database for concurrent use (other engines are left as they are).

    - WAL journal: readers never block the writer nor the writer the readers;
    - ``synchronous=NORMAL``: safe with WAL (a power cut may lose the last commits, never
      corrupt the file) and without an fsync per commit;
    - busy timeout: a write waits for the lock instead of failing with « database is locked »;
    - ``BEGIN IMMEDIATE``: a transaction takes the write lock when it starts, so that it
      waits for it there (a deferred transaction that read before writing cannot wait: SQLite
      fails it at once when another write committed in between).
    """
    if database.get("ENGINE") != "django.db.backends.sqlite3":
        return database
    options = database.setdefault("OPTIONS", {})
    options.setdefault("timeout", busy_timeout)
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
    return database


DATABASES = {
    "default": sqlite_options(
        dj_database_url.config(
            default=f"sqlite:///{DATA_DIR / 'maillage.sqlite3'}", conn_max_age=60
        )
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "maillage.web.errors.csrf_failure"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): 5 failures lock the account for 30 minutes whatever the
# addresses they came from (a password spray spread over addresses must not escape), and the
# username + address pair with it. An address alone is never locked: the agents of a caisse
# share its outgoing address. `maillage manage axes_reset_username NOM` unlocks an account.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's filters use the same separators and date format as maillage.engine.formatting.
FORMAT_MODULE_PATH = ["maillage.web.formats"]

STATIC_URL = "/static/"
# django-leaflet's bundled Leaflet is served from the package's static folder. The app itself is
# not installed: its admin module needs GDAL, which this project does without.
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    Path(importlib.util.find_spec("leaflet").origin).parent / "static",
]
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: every asset is served by the application itself (no CDN).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


# Compressed inputs of the imports (the RPPS zip, the DREES APL xlsx): a member that declares
# or expands to more bytes than this, or that is compressed more than the ratio below, is
# refused before or while it is decompressed (decompression bombs). The national RPPS
# extraction is about 1 GB uncompressed, at a ratio near 8. See docs/sources-offre.md.
IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("MAILLAGE_IMPORT_MAX_UNCOMPRESSED_BYTES", 4 * 2**30)
)
IMPORT_MAX_COMPRESSION_RATIO = float(os.environ.get("MAILLAGE_IMPORT_MAX_COMPRESSION_RATIO", 100))

# Where `maillage opendata fetch` downloads from: one place, documented in docs/opendata.md.
OPENDATA_SOURCES = {
    "decoupage_administratif": os.environ.get(
        "MAILLAGE_URL_DECOUPAGE",
        "https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data/",
    ),
    "geo_api": os.environ.get("MAILLAGE_URL_GEO_API", "https://geo.api.gouv.fr/"),
}

# Years a request may name (query strings, paths, API): wide enough for population history and
# contract schedules, narrow enough that no date computation overflows. See docs/api.md.
MAILLAGE_YEARS = (1900, 2100)

# Diagnosis snapshots (arrays of the whole referential, one file per data version) are kept
# here, next to the database, and shared by every process; empty: kept in memory only. With
# PostgreSQL and several hosts, each host keeps its own (a local directory is the fastest).
MAILLAGE_SNAPSHOT_DIR = os.environ.get("MAILLAGE_SNAPSHOT_DIR", str(DATA_DIR / "instantanes"))

# Retention of contacts with health professionals (years after the contact), enforced by
# `maillage outreach purger` (to schedule monthly).
MAILLAGE_CONTACTS_RETENTION_YEARS = int(os.environ.get("MAILLAGE_CONTACTS_RETENTION_YEARS", "3"))
# Retention of the access log (months), enforced by `maillage journal purger` (docs/securite.md).
MAILLAGE_JOURNAL_ACCES_MOIS = int(os.environ.get("MAILLAGE_JOURNAL_ACCES_MOIS", "12"))
# Months after an installation at which each follow-up milestone falls, when a CPAM wants other
# delays than outreach.services.DEFAULT_MILESTONE_MONTHS (milestone kind → months).
MAILLAGE_JALONS_INSTALLATION_MOIS: dict[str, int] = {}

# Statistical secrecy (docs/diagnostic.md): key of the fixed stand-in values that replace the
# small commune counts. Any value works for development and tests; production requires its own
# secret value (settings/production.py). Changing it redraws every stand-in, which reveals
# nothing either (stand-ins never depend on the true counts).
MAILLAGE_SECRET_STATISTIQUE_CLE = os.environ.get(
    "MAILLAGE_SECRET_STATISTIQUE_CLE", "dev-only-secret-statistique-not-for-production"
)

# Budget of the anonymous JSON API (defence in depth, docs/diagnostic.md): at most N requests
# per client address and per window of S seconds, then 429 with a French JSON message. Counted
# in Django's cache (per process with the default local-memory cache: configure a shared cache
# in CACHES when several processes serve the application).
MAILLAGE_API_ANONYMOUS_BUDGET = (
    int(os.environ.get("MAILLAGE_API_BUDGET_REQUETES", "120")),
    int(os.environ.get("MAILLAGE_API_BUDGET_SECONDES", "60")),
)
# Request header naming the client address when a reverse proxy sets it (e.g.
# "HTTP_X_REAL_IP"); empty: REMOTE_ADDR.
MAILLAGE_API_CLIENT_HEADER = os.environ.get("MAILLAGE_API_CLIENT_HEADER", "")

ATTRIBUTION = (
    "Sources : INSEE (COG, populations légales), IGN (ADMIN EXPRESS), ANS (Annuaire santé), "
    "DREES, FINESS — Licence Ouverte / Etalab 2.0"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"maillage": {"level": "INFO"}},
}
