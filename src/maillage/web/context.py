from django.conf import settings
from django.urls import NoReverseMatch, reverse

from maillage import __version__

# (URL name, label) of the main navigation; a module appears once its index page exists.
NAVIGATION = (
    ("home", "Territoires"),
    ("supply:index", "Offre de soins"),
    ("diagnostics:index", "Diagnostic"),
    ("access:index", "Accessibilité et aides"),
    ("coordination:index", "Exercice coordonné"),
    ("outreach:index", "Accompagnement"),
    ("reporting:index", "Chiffres clés"),
    ("parameters", "Paramètres"),
)


def _navigation():
    links = []
    for name, label in NAVIGATION:
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:
            continue
    return links


def site(request):
    return {
        "MAILLAGE_VERSION": __version__,
        "ATTRIBUTION": settings.ATTRIBUTION,
        "NAVIGATION": _navigation(),
    }
