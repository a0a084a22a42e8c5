"""Each role's navigation shows only what the role may open, and no link of it ends on a refusal.

The crawl follows every link of the header, then every link of the pages it reached, as each
demo role: none may end on a 403, a 404 or a 500.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlparse

import pytest
from django.test import Client

from maillage.web.accounts.models import User
from maillage.web.context import NAVIGATION

from .conftest import DEMO_USERNAMES

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PUBLIC = {"Territoires", "Diagnostic", "Accessibilité et aides", "Paramètres"}
OWN_FILE = "Mon dossier"  # the professional's own file, for that role only
EVERYTHING = {label for _, label in NAVIGATION} - {OWN_FILE}
EXPECTED_MODULES = {
    None: PUBLIC,
    "professionnel": PUBLIC | {OWN_FILE},
    "coordinateur": PUBLIC | {"Exercice coordonné"},
    "agent": EVERYTHING,
    "admin": EVERYTHING,
}
# Links that leave the pages or act: downloads and the API's own documentation.
NOT_CRAWLED = re.compile(r"\.(pdf|xlsx|csv|json|geojson)(\?|$)|^/api/|^/admin/|^/static/")


def _client(username):
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _header(html: str) -> str:
    return html.split('<nav aria-label="Navigation principale">', 1)[1].split("</nav>", 1)[0]


def _main(html: str) -> str:
    return html.split('<main id="contenu"', 1)[1].split("</main>", 1)[0]


def _links(fragment: str) -> list[str]:
    links = []
    for href in re.findall(r'href="([^"#][^"]*)"', fragment):
        href = urldefrag(href.replace("&amp;", "&"))[0]
        if href.startswith("/") and not urlparse(href).netloc:
            links.append(href)
    return links


@pytest.mark.parametrize("username", [None, *DEMO_USERNAMES], ids=lambda u: u or "anonyme")
def test_navigation_lists_exactly_the_modules_of_the_role(full_demo, username):
    html = _client(username).get("/").content.decode()
    labels = set(re.findall(r"<li><a [^>]*>([^<]+)</a></li>", _header(html))) - {
        "API",
        "Se connecter",
    }
    assert labels == EXPECTED_MODULES[username]


@pytest.mark.parametrize("username", [None, *DEMO_USERNAMES], ids=lambda u: u or "anonyme")
def test_crawl_of_each_role_finds_no_link_ending_on_an_error(full_demo, username):
    client = _client(username)
    home = client.get("/").content.decode()
    seen, broken = set(), []
    pages = []
    for link in _links(_header(home)):
        if NOT_CRAWLED.search(link) or link in seen:
            continue
        seen.add(link)
        response = client.get(link)
        if response.status_code >= 400:
            broken.append(f"{response.status_code} {link} (menu)")
        elif response.status_code == 200 and "text/html" in response["Content-Type"]:
            pages.append((link, response.content.decode()))
    for origin, html in pages:
        for link in _links(_main(html)):
            if NOT_CRAWLED.search(link) or link in seen:
                continue
            seen.add(link)
            status = client.get(link).status_code
            if status in (403, 404) or status >= 500:
                broken.append(f"{status} {link} (depuis {origin})")
    assert len(seen) > 5
    assert broken == []
