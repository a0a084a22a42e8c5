"""Deny by default, checked on the whole URL map.

Every page is either declared public below, or protected by ``role_required`` (which tags the
view with ``admitted_roles``), or by ``login_required`` for a user's own data. Every API
operation without an authentication scheme is declared public below. A new page or endpoint
that is neither fails this test until someone decides, here, who may see it.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from maillage.web.api import api

PUBLIC_VIEWS = {
    # The referential and the tools REZONE offers without an account.
    "maillage.web.territories.views.home",
    "maillage.web.territories.views.commune_detail",
    "maillage.web.territories.views.departement_detail",
    "maillage.web.territories.views.zonages",
    "maillage.web.territories.views.zone_detail",
    "maillage.web.diagnostics.views.index",
    "maillage.web.diagnostics.views.territory",
    "maillage.web.diagnostics.views.export",
    "maillage.web.diagnostics.views.map_data",
    "maillage.web.access.views.index",
    "maillage.web.access.views.commune",
    "maillage.web.access.views.aids",
    "maillage.web.access.views.scenario",
    "maillage.web.parameters.parameters_page",
    # Login and logout.
    "django.contrib.auth.views.View.as_view.<locals>.view",
}
OWN_DATA_VIEWS = {
    # login_required: a user's saved territories, filtered on the owner inside the view.
    "maillage.web.diagnostics.views.saved_list",
    "maillage.web.diagnostics.views.save",
    "maillage.web.diagnostics.views.delete",
}
PUBLIC_OPERATIONS = {
    ("GET", "/api/communes/{code}"),
    ("GET", "/api/communes"),
    ("GET", "/api/offre/communes/{code}"),  # counts only, no names
    ("GET", "/api/diagnostics/"),
    ("POST", "/api/diagnostics/"),
    ("GET", "/api/diagnostics/recherche"),
    ("GET", "/api/diagnostics/zonages"),
    ("GET", "/api/accessibilite/zonage"),
    ("GET", "/api/accessibilite/communes/{code}"),
    ("GET", "/api/accessibilite/aides"),
    ("GET", "/api/accessibilite/scenario"),
    ("GET", "/api/accessibilite/candidats"),
    ("GET", "/api/parametres"),
}


def site_views():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith(("admin/", "api/")):
                    continue  # Django admin (staff only by design) and the API, checked below
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                callback = pattern.callback
                yield prefix + str(pattern.pattern), callback

    return list(walk(get_resolver().url_patterns))


def dotted(callback) -> str:
    return f"{callback.__module__}.{callback.__qualname__}"


def test_every_page_is_public_by_decision_or_protected():
    undecided = [
        f"{route} → {dotted(callback)}"
        for route, callback in site_views()
        if not hasattr(callback, "admitted_roles")
        and dotted(callback) not in PUBLIC_VIEWS | OWN_DATA_VIEWS
    ]
    assert undecided == []


def test_the_allow_lists_name_existing_views():
    names = {dotted(callback) for _, callback in site_views()}
    assert names >= PUBLIC_VIEWS | OWN_DATA_VIEWS


def test_every_api_operation_is_public_by_decision_or_authenticated():
    schema = api.get_openapi_schema()
    open_operations = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("security")
    }
    assert open_operations == PUBLIC_OPERATIONS


@pytest.mark.django_db
def test_protected_pages_without_parameters_send_anonymous_visitors_to_login(client):
    checked = 0
    for route, callback in site_views():
        if "<" in route or dotted(callback) in PUBLIC_VIEWS:
            continue
        response = client.get("/" + route)
        assert response.status_code in (302, 405), route
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:login")), route
        checked += 1
    assert checked >= 10


@pytest.mark.django_db
def test_public_pages_without_parameters_answer_anonymous_visitors(client, demo_territory):
    for route, callback in site_views():
        if "<" in route or dotted(callback) not in PUBLIC_VIEWS:
            continue
        response = client.get("/" + route)
        # Without a selection some pages send back to their form: never to the login page.
        assert response.status_code in (200, 302, 405), route  # 405: POST-only (logout)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("accounts:login")), route
