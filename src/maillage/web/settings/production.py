"""Production: secrets and hosts from the environment, HTTPS only, PostgreSQL via DATABASE_URL."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY doit contenir au moins 50 caractères aléatoires.")
MAILLAGE_SECRET_STATISTIQUE_CLE = os.environ.get("MAILLAGE_SECRET_STATISTIQUE_CLE", "")
if len(MAILLAGE_SECRET_STATISTIQUE_CLE) < 32 or MAILLAGE_SECRET_STATISTIQUE_CLE == SECRET_KEY:
    raise ImproperlyConfigured(
        "MAILLAGE_SECRET_STATISTIQUE_CLE doit contenir au moins 32 caractères aléatoires, "
        "distincts de DJANGO_SECRET_KEY (clé des valeurs de substitution du secret statistique)."
    )
DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("MAILLAGE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
