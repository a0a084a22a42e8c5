"""The anonymous API budget: a clear 429 in French JSON beyond it, per client address."""

import pytest
from django.core.cache import cache

from maillage.web.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(settings):
    settings.MAILLAGE_API_ANONYMOUS_BUDGET = (3, 60)
    cache.clear()
    yield
    cache.clear()


def test_anonymous_api_requests_beyond_the_budget_get_429(client, budget):
    for _ in range(3):
        assert client.get("/api/diagnostics/zonages").status_code == 200
    refused = client.get("/api/diagnostics/zonages")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    detail = refused.json()["detail"]
    assert "Trop de requêtes" in detail and "3 requêtes par 60 secondes" in detail
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another address has its own budget; pages outside the API are not counted.
    assert client.get("/api/diagnostics/zonages", REMOTE_ADDR="192.0.2.9").status_code == 200
    assert client.get("/diagnostic/").status_code == 200


def test_logged_in_users_are_not_limited(client, budget):
    client.force_login(User.objects.create_user(username="u", password="x" * 14))
    for _ in range(5):
        assert client.get("/api/diagnostics/zonages").status_code == 200


def test_client_address_from_the_proxy_header(client, budget, settings):
    settings.MAILLAGE_API_CLIENT_HEADER = "HTTP_X_REAL_IP"
    for _ in range(3):
        assert client.get("/api/parametres", HTTP_X_REAL_IP="198.51.100.1").status_code == 200
    assert client.get("/api/parametres", HTTP_X_REAL_IP="198.51.100.1").status_code == 429
    assert client.get("/api/parametres", HTTP_X_REAL_IP="198.51.100.2").status_code == 200
