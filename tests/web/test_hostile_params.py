"""No 500 from any address: the whole URL map and API schema walked with hostile values.

Every page and API operation is requested anonymously and as each demo role, on the demo data,
with path segments out of range and query / form values that are not numbers, too large,
negative, not finite, with slashes, control characters or megabytes of text. Any answer is
acceptable but a server error; error pages must be French (JSON ``{"detail": …}`` under /api/).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from maillage.web.accounts.models import User
from maillage.web.api import api
from maillage.web.outreach.demo import DEMO_YEAR
from maillage.web.reporting.services import DETAIL_KINDS

from .conftest import DEMO_USERNAMES

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SRC = Path(__file__).resolve().parents[2] / "src" / "maillage" / "web"
HOSTILE = [
    "abc",
    "-1",
    "99999999999999999999",
    "1e309",
    "a/b",
    "\x00",
    "é" * 3000,
    "<script>",
]
# Path samples per converter (or per name of a <str:…> segment): the first one is valid on the
# demo data, the others are out of range, unknown or malformed.
PATH_SAMPLES = {
    "pk": ["1", "0", "999999999999999999", "99999999999999999999"],
    "annee": [str(DEMO_YEAR), "1899", "2101", "99999999999999999999"],
    "commune": ["00001", "99999", "2A004"],
    "departement": ["00", "99", "2A"],
    "region": ["00", "99"],
    "rpps": ["899000000001", "000000000000"],
    "fmt": ["csv", "xlsx", "json", "geojson", "exe"],
    "kind": [*DETAIL_KINDS, "zzz"],
    "slug": ["tvs", "zzz"],
    "zone": ["T01", "zzz", "é" * 300],
}
# Every name a page reads from its query string or form (checked against the code below).
QUERY_NAMES = {
    "format",  # admin journal: compared with "csv" only
    "q",
    "page",
    "departement",
    "region",
    "annee",
    "communes",
    "epci",
    "cpts",
    "zone",
    "autour",
    "km",
    "minutes",
    "territoire",
    "profession",
    "source",
    "commune",
    "msp",
    "etp",
    "retirer_msp",
    "date",
    "age",
    "jours_par_semaine",
    "rpps",
    "campagne",
    "canal",
    "categorie",
    "type",
    "individuel",
    "accompagne",
    "controle",
    "nom",
}
# One at a time for each name a view reads (the hostile list above goes in all names at once).
HOSTILE_EACH = ["abc", "-1", "99999999999999999999", "a/b", "\x00"]
SKIPPED_POSTS = {"/comptes/deconnexion/"}  # logging out would end the walk's session


def _names_read_in_code() -> set[str]:
    names = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r"\b(?:GET|POST|params)\.get\(\s*\"(\w+)\"", text))
        names |= set(
            re.findall(r"bounds\.\w+\.(?:get|require)\(\s*\w+(?:\.\w+)?,\s*\"(\w+)\"", text)
        )
    return names


def _form_field_names() -> set[str]:
    """Fields of every form, with the prefixes the views give them."""
    fields, prefixes = set(), set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        if path.name == "forms.py":
            fields |= set(re.findall(r"^\s+(\w+) = forms\.\w+", text, re.M))
        prefixes |= set(re.findall(r"prefix=\"(\w+)\"", text))
    return fields | {f"{p}-{f}" for p in prefixes for f in fields}


def test_the_walk_knows_every_parameter_the_pages_read():
    # Forms read their own fields; every other name a view reads is listed above.
    assert _names_read_in_code() - {"temps"} <= QUERY_NAMES | _form_field_names()


def _routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith(("admin/", "api/")):
                    continue
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    return list(walk(get_resolver().url_patterns))


def _samples(segment: str) -> list[str]:
    converter, _, name = segment.partition(":")
    if not name:
        converter, name = "str", converter
    return PATH_SAMPLES.get(converter) or PATH_SAMPLES[name]


def _paths(route: str, vary: bool) -> list[str]:
    """The route with valid samples, then with each segment varied in turn."""
    segments = re.findall(r"<([^>]+)>", route)

    def fill(values):
        path = route
        for segment, value in zip(segments, values, strict=True):
            path = path.replace(f"<{segment}>", value, 1)
        return "/" + path

    base = [_samples(s)[0] for s in segments]
    paths = [fill(base)]
    if vary:
        for i, segment in enumerate(segments):
            for value in _samples(segment)[1:]:
                paths.append(fill([*base[:i], value, *base[i + 1 :]]))
    return paths


def _names_of(callback) -> set[str]:
    """Names the view reads: quoted in its code or in the module's helpers it calls, and the
    fields of the forms it builds."""
    view = inspect.unwrap(callback)
    module = inspect.getmodule(view)
    text = inspect.getsource(view)
    helpers = [
        obj
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and f"{name}(" in text
    ]
    text += "".join(inspect.getsource(helper) for helper in helpers)
    names = {name for name in QUERY_NAMES if f'"{name}"' in text}
    forms = Path(module.__file__).with_name("forms.py")
    if forms.exists():
        for form, body in re.findall(
            r"^class (\w+)\(.*?\):\n(.*?)(?=^\S)", forms.read_text() + "\nend", re.M | re.S
        ):
            if f"{form}(" in text:
                names |= set(re.findall(r"^\s+(\w+) = forms\.\w+", body, re.M))
    return names


def _client(username):
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _check(response, method, url, failures):
    status = response.status_code
    if status >= 500:
        failures.append(f"{status} {method} {url[:160]!r}")
        return
    if status >= 400 and url.startswith("/api/"):
        if "detail" not in response.json():
            failures.append(f"{status} sans detail {method} {url[:160]!r}")
    elif (
        status not in (405,)
        and status >= 400
        and response.get("Content-Type", "").startswith("text/html")
    ):  # 405 (GET on a form's POST address) has no page: no link leads there
        body = response.content.decode()
        # The administration's own answers (the journal's filter errors) keep its French
        # layout; refusals before it (403, a login redirect too long: 400) are the site's.
        layouts = (
            ("site-header", 'id="site-name"') if url.startswith("/admin/") else ("site-header",)
        )
        if 'lang="fr"' not in body or not any(layout in body for layout in layouts):
            failures.append(f"{status} hors gabarit {method} {url[:160]!r}")


@pytest.mark.parametrize("username", [None, *DEMO_USERNAMES], ids=lambda u: u or "anonyme")
def test_pages_never_answer_500(full_demo, username):
    client = _client(username)
    thorough = username == "admin"  # the widest access: every view reads its parameters
    all_fields = _form_field_names() | QUERY_NAMES
    failures: list[str] = []
    for route, callback in _routes():
        paths = _paths(route, vary=thorough)
        for path in paths:
            _check(client.get(path), "GET", path, failures)
        base = paths[0]
        for value in HOSTILE:
            everything = dict.fromkeys(QUERY_NAMES, value)
            _check(client.get(base, everything), "GET", f"{base}?*={value[:20]}", failures)
            if base not in SKIPPED_POSTS and thorough:
                response = client.post(base, dict.fromkeys(all_fields, value))
                _check(response, "POST", f"{base} *={value[:20]}", failures)
        for name in sorted(_names_of(callback) if thorough else ()):
            for value in HOSTILE_EACH:
                url = f"{base}?{name}={value[:20]}"
                _check(client.get(base, {name: value}), "GET", url, failures)
        if username and not client.session.get("_auth_user_id"):
            client = _client(username)  # a view logged us out: carry on as the same role
    assert failures == []


def _operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _api_path(path: str, names: list[str], values: dict[str, str]) -> str:
    """``path`` with its parameters filled: ``values`` first, else a valid demo value."""
    valid = {"code": "00001" if "communes" in path else "00", "pk": "1", "year": str(DEMO_YEAR)}
    for name in names:
        path = path.replace("{" + name + "}", values.get(name, valid.get(name, "1")))
    return path


@pytest.mark.parametrize("username", [None, *DEMO_USERNAMES], ids=lambda u: u or "anonyme")
def test_api_never_answers_500(full_demo, username):
    client = _client(username)
    failures: list[str] = []
    for path, method, operation in _operations():
        parameters = operation.get("parameters", [])
        in_path = [p["name"] for p in parameters if p["in"] == "path"]
        in_query = [p["name"] for p in parameters if p["in"] == "query"]
        call = client.get if method == "get" else client.post
        base = _api_path(path, in_path, {})
        for value in HOSTILE:
            for name in in_path:
                target = _api_path(path, in_path, {name: value.replace("/", "%2F")})
                _check(call(target), method.upper(), target, failures)
            for name in in_query:
                response = call(base + "?" + _query(name, value))
                _check(response, method.upper(), f"{base}?{name}={value[:20]}", failures)
            if operation.get("requestBody"):
                for body in _bodies(value):
                    response = client.post(base, body, content_type="application/json")
                    _check(response, "POST", f"{base} {body[:60]!r}", failures)
    assert failures == []


def _query(name, value):
    from urllib.parse import urlencode

    return urlencode({name: value})


def _bodies(value):
    import json

    yield value  # not JSON at all
    yield json.dumps({"communes": [value] * 3})
    yield json.dumps({"autour": "00001", "km": value})
    yield json.dumps({"autour": value, "minutes": 1e308})
    yield json.dumps({"polygone": [[value, value]] * 3})
    yield json.dumps({"polygone": [[1e308, -1e308], [0, 0], [1, 1]]})
    yield json.dumps({"communes": ["00001"] * 50_000})
    yield json.dumps({"cpts": value, "nom": value})
    yield json.dumps([value])
