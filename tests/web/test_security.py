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


def test_failures_spread_over_addresses_lock_the_account(client):
    """24 wrong passwords from 6 addresses (4 each, under the per-address limit) lock the
    account itself: the right password from a seventh address gets the French lockout page."""
    User.objects.create_user("carol", password="correct horse battery")
    User.objects.create_user("dave", password="correct horse battery")
    for attempt in range(24):
        address = f"203.0.113.{attempt % 6 + 1}"
        client.post(
            "/comptes/connexion/",
            {"username": "carol", "password": f"wrong-{attempt}"},
            REMOTE_ADDR=address,
        )
    locked = client.post(
        "/comptes/connexion/",
        {"username": "carol", "password": "correct horse battery"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Trop de tentatives de connexion" in page and '<html lang="fr">' in page
    assert "_auth_user_id" not in client.session
    # Another account behind the same addresses is not locked (agents share their caisse's).
    other = client.post(
        "/comptes/connexion/",
        {"username": "dave", "password": "correct horse battery"},
        REMOTE_ADDR="203.0.113.1",
    )
    assert other.status_code == 302
