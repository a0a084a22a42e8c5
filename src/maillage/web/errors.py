"""Error pages in French inside the site layout, and JSON errors under /api/.

Django calls these handlers (``handler400`` … ``handler500`` in urls.py, ``CSRF_FAILURE_VIEW``)
for errors raised outside the API's own exception handlers; each one answers JSON
``{"detail": "…"}`` for an /api/ address and an HTML page otherwise. The pages say why and
where to go: the navigation of the site shows only what the visitor's role may open.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader

from maillage import __version__

from .request_params import ParameterError

API_PREFIX = "/api/"

# One French sentence per status: the API's « detail » when nothing more precise is known,
# and the lead of each error page.
STATUS_MESSAGES = {
    400: "Requête incorrecte : un paramètre manque ou sort des valeurs permises.",
    401: "Authentification requise : connectez-vous avec un compte habilité.",
    403: "Accès refusé : votre rôle ne donne pas accès à cette ressource.",
    404: "Ressource introuvable : l'adresse ou l'objet demandé n'existe pas.",
    405: "Méthode HTTP non permise pour cette adresse.",
    409: "Conflit : l'état de l'objet ne permet pas cette opération.",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge.",
    422: "Données invalides.",
    429: "Trop de requêtes : patientez avant de réessayer.",
    500: "Erreur interne du serveur : l'incident est enregistré ; réessayez plus tard.",
    503: "Service momentanément indisponible ; réessayez plus tard.",
}
# Messages Django writes in English (get_object_or_404, URL resolution): never shown as such.
_ENGLISH = re.compile(r"^No .* matches the given query\.$|^(Page not found|Forbidden|Not Found)")


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def status_message(status: int) -> str:
    if status in STATUS_MESSAGES:
        return STATUS_MESSAGES[status]
    return STATUS_MESSAGES[500] if status >= 500 else STATUS_MESSAGES[400]


def reason(exception, status: int) -> str:
    """The French reason of an exception if the code gave one, else the status sentence."""
    text = ""
    if isinstance(exception, ParameterError):
        text = str(exception)
    elif type(exception) in (Http404, PermissionDenied) and exception.args:
        first = exception.args[0]
        text = first if isinstance(first, str) else ""
    if not text or _ENGLISH.search(text):
        return status_message(status)
    return text[0].upper() + text[1:]


def json_error(status: int, detail: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"detail": detail or status_message(status)},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _page(request, status: int, title: str, detail: str, template: str) -> HttpResponse:
    body = loader.render_to_string(
        template,
        {"status": status, "title": title, "detail": detail, "back": _module_of(request)},
        request,
    )
    return HttpResponse(body, status=status)


def _module_of(request) -> tuple[str, str] | None:
    """The module (URL, label) of the navigation the failed address belongs to, if any."""
    from .context import navigation_for

    best = None
    # The user may be missing: errors raised before the authentication middleware (bad host).
    for url, label in navigation_for(getattr(request, "user", None)):
        if (
            url != "/"
            and request.path.startswith(url)
            and (best is None or len(url) > len(best[0]))
        ):
            best = (url, label)
    return best


def bad_request(request, exception=None, template_name="400.html"):
    detail = reason(exception, 400)
    if is_api(request):
        return json_error(400, detail)
    return _page(request, 400, "Requête incorrecte", detail, template_name)


def permission_denied(request, exception=None, template_name="403.html"):
    detail = reason(exception, 403)
    if is_api(request):
        return json_error(403, detail)
    return _page(request, 403, "Accès refusé", detail, template_name)


def page_not_found(request, exception=None, template_name="404.html"):
    detail = reason(exception, 404)
    if is_api(request):
        return json_error(404, detail)
    return _page(request, 404, "Page introuvable", detail, template_name)


def server_error(request, template_name="500.html"):
    """Rendered without the database (it may be what failed): no user, no role, no context
    processor — only the layout and a way back."""
    if is_api(request):
        return json_error(500)
    body = loader.get_template(template_name).render(
        {
            "status": 500,
            "title": "Erreur du serveur",
            "detail": STATUS_MESSAGES[500],
            "MAILLAGE_VERSION": __version__,
            "ATTRIBUTION": settings.ATTRIBUTION,
            "without_database": True,
        }
    )
    return HttpResponse(body, status=500)


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    detail = (
        "Requête refusée : le jeton de sécurité (CSRF) est absent ou périmé. "
        "Rechargez la page puis renvoyez le formulaire."
    )
    if is_api(request):
        return json_error(403, detail)
    return _page(request, 403, "Formulaire expiré", detail, template_name)
