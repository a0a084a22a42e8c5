"""The Django project of maillage: settings, URLs and the apps of each module."""

import os

DEFAULT_SETTINGS = "maillage.web.settings.dev"


def setup(settings_module: str | None = None) -> None:
    """Configure Django for code running outside ``manage.py`` (the ``maillage`` CLI)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module or DEFAULT_SETTINGS)
    django.setup()
