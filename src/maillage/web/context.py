from django.conf import settings
from django.urls import NoReverseMatch, resolve, reverse

from maillage import __version__

from .accounts.permissions import admits
from .accounts.roles import roles_of

# (URL name, label) of the main navigation; a module appears once its index page exists, and
# only to visitors whose role may open it (decided by the view's own access rule).
NAVIGATION = (
    ("home", "Territoires"),
    ("supply:index", "Offre de soins"),
    ("diagnostics:index", "Diagnostic"),
    ("access:index", "Accessibilité et aides"),
    ("coordination:index", "Exercice coordonné"),
    ("outreach:index", "Accompagnement"),
    ("outreach:own_file", "Mon dossier"),
    ("reporting:index", "Chiffres clés"),
    ("parameters", "Paramètres"),
)


def navigation_for(user) -> list[tuple[str, str]]:
    """(URL, label) of the modules ``user`` may open."""
    links, roles = [], roles_of(user)
    for name, label in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if admits(roles, resolve(url).func):
            links.append((url, label))
    return links


def site(request):
    return {
        "MAILLAGE_VERSION": __version__,
        "ATTRIBUTION": settings.ATTRIBUTION,
        "NAVIGATION": navigation_for(getattr(request, "user", None)),
    }
