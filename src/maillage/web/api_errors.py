"""Every /api/ error is JSON ``{"detail": "…"}`` in French, and the schema documents it.

Three layers, so that no error escapes as HTML or as a traceback:

1. django-ninja exception handlers (:func:`install`): parameter validation (400, the message
   names the parameter and its bound), authentication (401), refusals (403), missing objects
   (404), rate limits (429, with ``Retry-After``), and any other exception (500, logged and
   signalled like Django's own handler — never a traceback, even with ``DEBUG``);
2. Django's error handlers (``maillage.web.errors``) for what happens before the API runs:
   unknown /api/ address (404), CSRF failure (403), oversized request (400);
3. :class:`ApiErrorMiddleware`, the outermost middleware, turns any remaining non-JSON error
   under /api/ (405 from the router, a 429 or 500 page of another layer) into the same JSON.

:func:`document_errors` adds these responses, with the ``Erreur`` schema, to every operation
of the OpenAPI schema.
"""

from __future__ import annotations

import json
import logging

from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError

from . import request_params
from .errors import is_api, json_error, reason, status_message

logger = logging.getLogger("django.request")

ERROR_SCHEMA = {
    "title": "Erreur",
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Message en français."}},
    "required": ["detail"],
}
# What each documented status means in this API (OpenAPI « description »).
ERROR_RESPONSES = {
    400: "Paramètre manquant, mal formé ou hors des bornes documentées.",
    401: "Authentification requise (session d'un compte habilité).",
    403: "Rôle ou périmètre insuffisant, ou jeton CSRF absent.",
    404: "Objet introuvable (commune, département, contrat…).",
    429: "Trop de requêtes : limite de débit atteinte (en-tête Retry-After).",
    500: "Erreur interne (enregistrée) ; réessayer plus tard.",
}
# django-ninja's own English messages.
_NINJA_ENGLISH = {"Unauthorized", "Forbidden", "CSRF check Failed", "Too many requests."}


def _french(status: int, message: str) -> str:
    if message == "CSRF check Failed":
        return "Requête refusée : jeton CSRF absent ou invalide (en-tête X-CSRFToken)."
    if not message or message in _NINJA_ENGLISH:
        return status_message(status)
    return message


# ---------------------------------------------------------------------------------------------
# Validation errors of ninja (pydantic) → one French sentence naming the parameter.

_BY_PATTERN = {
    f"^(?:{bound.pattern})$": bound
    for bound in vars(request_params).values()
    if isinstance(bound, request_params.Code)
}


def _name(loc) -> str:
    parts = [str(p) for p in loc[1:] if not isinstance(p, int)]
    # ninja nests body fields under the name of the schema argument: drop it.
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or str(loc[0] if loc else "requête")


def _explain(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return "obligatoire"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "nombre entier attendu"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return "nombre attendu"
    if kind in ("bool_parsing", "bool_type"):
        return "booléen attendu (true ou false)"
    if kind == "greater_than_equal":
        return f"doit être supérieur ou égal à {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"doit être inférieur ou égal à {ctx.get('le')}"
    if kind == "greater_than":
        return f"doit être strictement supérieur à {ctx.get('gt')}"
    if kind == "less_than":
        return f"doit être strictement inférieur à {ctx.get('lt')}"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == request_params.NO_CONTROL_CHARACTERS:
            return "caractères de contrôle non permis"
        bound = _BY_PATTERN.get(ctx.get("pattern"))
        return f"attendu : {bound.expected}" if bound else "format non reconnu"
    if kind == "string_too_long":
        return f"{ctx.get('max_length')} caractères au plus"
    if kind in ("too_long", "too_short"):
        return "nombre d'éléments hors des bornes"
    if kind == "string_type":
        return "texte attendu"
    if kind in ("enum", "literal_error"):
        return f"valeur parmi : {ctx.get('expected', '')}".replace(" or ", " ou ")
    if kind.startswith(("date_", "datetime_")):
        return "date attendue au format AAAA-MM-JJ, dans les bornes documentées"
    if kind in ("list_type", "tuple_type", "set_type"):
        return "liste attendue"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "objet JSON attendu"
    if kind == "json_invalid":
        return "corps JSON illisible"
    if kind == "extra_forbidden":
        return "champ inconnu"
    return "valeur non acceptée"


def validation_message(errors: list[dict]) -> str:
    parts = []
    for error in errors:
        loc = error.get("loc") or ()
        text = f"paramètre « {_name(loc)} » : {_explain(error)}"
        if text not in parts:
            parts.append(text)
    if not parts:
        return status_message(400)
    text = " ; ".join(parts[:5])
    return text[0].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# ninja handlers


def _validation(request, exc: ValidationError):
    return json_error(400, validation_message(exc.errors))


def _http_error(request, exc: HttpError):
    return json_error(exc.status_code, _french(exc.status_code, str(exc)))


def _authentication(request, exc: AuthenticationError):
    return json_error(401, _french(401, str(exc)))


def _bad_request(request, exc: Exception):
    return json_error(400, reason(exc, 400))


def _not_found(request, exc: Http404):
    return json_error(404, reason(exc, 404))


def _forbidden(request, exc: PermissionDenied):
    return json_error(403, reason(exc, 403))


def _unexpected(request, exc: Exception):
    # Same trail as Django's handler: the log line, and the signal error reporters listen to
    # (and the test client, which re-raises the exception in tests).
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    signals.got_request_exception.send(sender=None, request=request)
    return json_error(500)


def install(api) -> None:
    """Register the French JSON handlers on the NinjaAPI ``api``."""
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(AuthenticationError, _authentication)
    api.add_exception_handler(BadRequest, _bad_request)
    api.add_exception_handler(SuspiciousOperation, _bad_request)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(PermissionDenied, _forbidden)
    api.add_exception_handler(Exception, _unexpected)


# ---------------------------------------------------------------------------------------------
# Outermost middleware


class ApiErrorMiddleware:
    """Under /api/, replace any error response that is not JSON by ``{"detail": "…"}``."""

    KEPT_HEADERS = ("Allow", "Retry-After", "Vary", "WWW-Authenticate")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api(request)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        detail = status_message(response.status_code)
        if response.status_code == 405 and response.get("Allow"):
            detail = (
                f"Méthode {request.method} non permise pour cette adresse "
                f"(permises : {response['Allow']})."
            )
        replaced = json_error(response.status_code, detail)
        for header in self.KEPT_HEADERS:
            if header in response:
                replaced[header] = response[header]
        return replaced


# ---------------------------------------------------------------------------------------------
# OpenAPI


def document_errors(schema: dict) -> dict:
    """Add the error responses each operation may give, with the ``Erreur`` schema."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Erreur"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            statuses = [404, 429, 500]
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.append(400)
            if operation.get("security"):
                statuses += [401, 403]
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(str(status), {"description": ERROR_RESPONSES[status]})
            for status, response in responses.items():
                if int(status) >= 400:
                    response["content"] = json.loads(json.dumps(reference))
    return schema
