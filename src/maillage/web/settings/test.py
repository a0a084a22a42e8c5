"""Test settings: fast hashing, in-memory SQLite unless DATABASE_URL names PostgreSQL."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import sqlite_options

DEBUG = False
SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {"default": sqlite_options(dj_database_url.config(default="sqlite://:memory:"))}
if "sqlite" in DATABASES["default"]["ENGINE"] and os.environ.get("MAILLAGE_TEST_SQLITE_FILE"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["MAILLAGE_TEST_SQLITE_FILE"]}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True

# Static files straight from the apps and packages, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The anonymous API budget would stop the attack suite and the browser tests: a very large one
# here; tests/web/test_ratelimit.py lowers it to prove the 429.
MAILLAGE_API_ANONYMOUS_BUDGET = (10**9, 60)
