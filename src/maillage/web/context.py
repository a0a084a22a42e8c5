from django.conf import settings

from maillage import __version__


def site(request):
    return {"MAILLAGE_VERSION": __version__, "ATTRIBUTION": settings.ATTRIBUTION}
