"""French error pages inside the layout; French JSON errors under /api/, documented."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from ninja.errors import Throttled

from maillage.web import api_errors, errors
from maillage.web.accounts.models import User
from maillage.web.api import api

# -------------------------------------------------------------------------------------------
# Pages


def _as(username=None):
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _in_layout(response) -> str:
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'class="site-header"' in html and "Navigation principale" in html
    assert "Revenir à l'accueil" in html
    for english in ("Forbidden", "Not Found", "Bad Request", "Server Error"):
        assert english not in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/communes/99999/", "/accessibilite/communes/99999/", "/diagnostic/territoire/?territoire=99"],
)
def test_unknown_objects_give_a_french_404_in_the_layout(demo_territory, url):
    response = _as().get(url)
    assert response.status_code == 404
    html = _in_layout(response)
    assert "Page introuvable" in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/offre/", "/accompagnement/", "/chiffres-cles/"])
def test_a_coordinator_refused_gets_a_french_403_with_the_navigation_of_the_role(
    demo_territory, url
):
    response = _as("coordinateur").get(url)
    assert response.status_code == 403
    html = _in_layout(response)
    assert "Votre rôle ne donne pas accès à cette page." in html
    assert "Exercice coordonné" in html  # where this role may go
    assert "Offre de soins" not in html and "Chiffres clés" not in html


@pytest.mark.django_db
def test_a_parameter_out_of_bounds_gives_a_french_400_naming_it(demo_territory):
    response = _as("admin").get("/exercice-coordonne/departements/00/", {"annee": "99999"})
    assert response.status_code == 400
    html = _in_layout(response)
    assert "paramètre « annee »" in html.lower() and "1900 à 2100" in html
    assert "Revenir au module « Exercice coordonné »" in html


@pytest.mark.django_db
def test_an_unexpected_error_gives_the_french_500_page(demo_territory, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr("maillage.web.territories.services.search_communes", broken)
    response = _as().get("/", {"q": "Toulon"})
    assert response.status_code == 500
    html = _in_layout(response)
    assert "Erreur du serveur" in html and "panne" not in html


def test_the_500_page_renders_without_the_database():
    # No ``db`` fixture: pytest-django fails any query, so this proves none is made.
    response = errors.server_error(RequestFactory().get("/diagnostic/"))
    assert response.status_code == 500
    _in_layout(response)


def test_an_error_before_authentication_still_gets_its_page():
    # A bad Host header fails before the authentication middleware: no request.user.
    request = RequestFactory().get("/diagnostic/")
    response = errors.bad_request(request, SuspiciousOperation("Invalid HTTP_HOST header"))
    assert response.status_code == 400
    html = _in_layout(response)
    assert "HTTP_HOST" not in html and "Revenir au module « Diagnostic »" in html


@pytest.mark.django_db
def test_csrf_failure_is_a_french_page():
    User.objects.create_user("alice", password="correct horse battery")
    response = Client(enforce_csrf_checks=True).post(
        "/comptes/connexion/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 403
    assert "Formulaire expiré" in _in_layout(response)


# -------------------------------------------------------------------------------------------
# API


def _detail(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"detail"} and isinstance(body["detail"], str)
    assert not any(w in body["detail"] for w in ("Unauthorized", "Forbidden", "Not Found"))
    return body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "développement"])
def test_every_api_error_is_french_json(demo_territory, monkeypatch, debug):
    with override_settings(DEBUG=debug):
        assert "connectez-vous" in _detail(_as().get("/api/chiffres-cles/00/2024"), 401)
        assert "rôle" in _detail(_as("professionnel").get("/api/chiffres-cles/00/2024"), 403)
        assert "introuvable" in _detail(_as().get("/api/communes/99999"), 404)
        assert "introuvable" in _detail(_as().get("/api/pas-de-route"), 404)
        assert "« annee »" in _detail(
            _as("admin").get("/api/exercice-coordonne/departements/00/chiffres?annee=99999999"),
            400,
        )
        refused = _as().delete("/api/communes/00001")
        assert "DELETE" in _detail(refused, 405) and refused["Allow"] == "GET"

        def broken(*args, **kwargs):
            raise RuntimeError("secret interne")

        monkeypatch.setattr("maillage.web.territories.services.commune_summary", broken)
        failed = _detail(_as().get("/api/communes/00001"), 500)
        assert "secret" not in failed and "Traceback" not in failed


def test_api_csrf_failure_and_rate_limit_are_french_json():
    request = RequestFactory().post("/api/diagnostics/")
    assert "CSRF" in _detail(errors.csrf_failure(request), 403)
    throttled = api_errors._http_error(request, Throttled(wait=30))
    assert "patientez" in _detail(throttled, 429)


def test_the_middleware_turns_an_html_error_of_another_layer_into_json():
    def limited(request):
        return HttpResponse("<h1>Too many</h1>", status=429, headers={"Retry-After": "30"})

    response = api_errors.ApiErrorMiddleware(limited)(RequestFactory().get("/api/communes"))
    assert "patientez" in _detail(response, 429)
    assert response["Retry-After"] == "30"
    page = api_errors.ApiErrorMiddleware(limited)(RequestFactory().get("/communes/"))
    assert page.content == b"<h1>Too many</h1>"  # pages are not the API's business


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"type": "missing", "loc": ("query", "annee")}, "Paramètre « annee » : obligatoire"),
        (
            {"type": "less_than_equal", "loc": ("path", "year"), "ctx": {"le": 2100}},
            "Paramètre « year » : doit être inférieur ou égal à 2100",
        ),
        (
            {
                "type": "string_pattern_mismatch",
                "loc": ("path", "code"),
                "ctx": {"pattern": "^(?:(?:[0-9]{2}|2[AB])[0-9]{3})$"},
            },
            "Paramètre « code » : attendu : code INSEE de commune à 5 caractères "
            "(par exemple 83137)",
        ),
        (
            {"type": "float_parsing", "loc": ("body", "selection", "km")},
            "Paramètre « km » : nombre attendu",
        ),
        ({"type": "json_invalid", "loc": ("body", 0)}, "Paramètre « body » : corps JSON illisible"),
    ],
)
def test_validation_errors_are_one_french_sentence(error, expected):
    assert api_errors.validation_message([error]) == expected


def test_the_schema_documents_errors_and_bounds_of_every_operation():
    schema = api.get_openapi_schema()
    assert schema["components"]["schemas"]["Erreur"]["required"] == ["detail"]
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            responses = operation["responses"]
            expected = {"404", "429", "500"}
            expected |= (
                {"400"} if operation.get("parameters") or operation.get("requestBody") else set()
            )
            expected |= {"401", "403"} if operation.get("security") else set()
            assert expected <= set(responses), path
            for status in expected:
                content = responses[status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Erreur"}
            for parameter in operation.get("parameters", []):
                # Every parameter says what it accepts: a bound, a pattern, an enum or a type
                # with no room for abuse (boolean).
                flat = str(parameter["schema"])
                assert any(
                    key in flat
                    for key in ("maximum", "pattern", "enum", "boolean", "maxLength", "'date'")
                ), (path, parameter["name"])


def test_years_and_codes_are_bounded_in_the_schema():
    paths = api.get_openapi_schema()["paths"]
    year = next(
        p
        for p in paths["/api/chiffres-cles/{code}/{year}"]["get"]["parameters"]
        if p["name"] == "year"
    )
    assert (year["schema"]["minimum"], year["schema"]["maximum"]) == (1900, 2100)
    profession = next(
        p
        for p in paths["/api/accessibilite/zonage"]["get"]["parameters"]
        if p["name"] == "profession"
    )
    assert "medecin_generaliste" in str(profession["schema"])
