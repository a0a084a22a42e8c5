"""Local development and `make demo`: debug on, SQLite in ./var, a throwaway secret."""

from .base import *  # noqa: F403
from .base import DATA_DIR

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Static files straight from the apps and packages, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
