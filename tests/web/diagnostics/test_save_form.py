"""Saving a territory: a missing or too long name is refused next to the name field, with
what was typed kept, on the diagnosis page itself (no redirect, no flash)."""

import pytest
from django.urls import reverse

from maillage.web.diagnostics.models import SavedTerritory

pytestmark = pytest.mark.django_db
TERRITORY = "00001,00002"


@pytest.fixture
def owner(client, demo_territory, django_user_model):
    user = django_user_model.objects.create_user("proprio", password="x" * 14)
    client.force_login(user)
    return user


def name_field(html: str) -> str:
    start = html.index('<label for="nom-territoire">')
    return html[start : html.index(">", html.index('id="nom-territoire"')) + 1]


def test_an_empty_name_is_refused_at_the_field(client, owner):
    response = client.post(reverse("diagnostics:save"), {"communes": TERRITORY, "nom": "  "})
    assert response.status_code == 422 and not SavedTerritory.objects.exists()
    field = name_field(response.content.decode())
    assert "Donnez un nom au territoire." in field and 'aria-invalid="true"' in field
    assert not list(response.context["messages"])


def test_a_too_long_name_is_refused_with_the_typed_text_kept(client, owner):
    typed = "Bassin de vie " + "x" * 200
    response = client.post(reverse("diagnostics:save"), {"communes": TERRITORY, "nom": typed})
    assert response.status_code == 422 and not SavedTerritory.objects.exists()
    field = name_field(response.content.decode())
    assert "120 caractères au plus" in field and typed in field


def test_a_valid_name_saves(client, owner):
    response = client.post(
        reverse("diagnostics:save"), {"communes": TERRITORY, "nom": "Mon bassin"}
    )
    assert response.status_code == 302
    assert SavedTerritory.objects.get(owner=owner).nom == "Mon bassin"
