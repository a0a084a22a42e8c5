import pytest
from django.test import Client

from maillage.web.accounts.models import User

pytestmark = pytest.mark.django_db


def test_csp_and_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_login_requires_csrf_token(db):
    User.objects.create_user("alice", password="correct horse battery")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/comptes/connexion/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 403


def test_login_works_then_is_throttled_after_five_failures(client):
    User.objects.create_user("bob", password="correct horse battery")
    ok = client.post(
        "/comptes/connexion/", {"username": "bob", "password": "correct horse battery"}
    )
    assert ok.status_code == 302
    client.logout()
    for _ in range(5):
        client.post("/comptes/connexion/", {"username": "bob", "password": "wrong"})
    locked = client.post(
        "/comptes/connexion/", {"username": "bob", "password": "correct horse battery"}
    )
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
