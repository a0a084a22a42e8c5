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
    "ninja",
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
    "django.middleware.security.SecurityMiddleware",
    "maillage.web.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'maillage.sqlite3'}", conn_max_age=60
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): 5 failures lock the username + address for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

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

# Retention of contacts with health professionals (years after the contact), enforced by
# `maillage outreach purger` (to schedule monthly).
MAILLAGE_CONTACTS_RETENTION_YEARS = int(os.environ.get("MAILLAGE_CONTACTS_RETENTION_YEARS", "3"))

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
