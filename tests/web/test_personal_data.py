"""Every read of nominative data is logged and never cached (issue 11 items 3 and 4).

The test does not trust a list of « nominative views »: it walks the whole URL map (pages,
exports, the admin of every registered model, every GET operation of the API), fetches each
one as an administrator on a dataset where one professional has a name found nowhere else,
and wherever that name or their RPPS number comes back, requires that the request logged a
read of that professional and answered ``Cache-Control: no-store``. Conversely every view
declared ``@personal_data`` must be reached by the walk.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from maillage.web.accounts.models import AccessLog
from maillage.web.accounts.roles import Role
from maillage.web.api import api

from .outreach.factories import make_user, professional

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
NAME = "NOMINATIFZ"
Y = dt.date.today().year
# Pages that read the journal itself: they show RPPS numbers, are never cached, and their
# reads are logged as « journal » reads (one row, no RPPS: the log does not log itself twice).
JOURNAL_PAGES = {"admin_journal", "admin:accounts_accesslog_changelist"}


@pytest.fixture
def world(demo_territory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from maillage.web.coordination.demo import load_demo as coordination_demo
    from maillage.web.coordination.models import Contract as AciContract
    from maillage.web.coordination.models import Document, Event, Member, Mission
    from maillage.web.outreach import services
    from maillage.web.outreach.models import Campaign, Contact, FollowUp, Payment, Webinar
    from maillage.web.supply.models import Activity, Structure

    coordination_demo()
    p = professional(nom=NAME)
    campaign = Campaign.objects.create(
        theme="Vaccination",
        portee="locale",
        departement_id="00",
        professions=["medecin_generaliste"],
        debut=dt.date(Y, 1, 1),
        fin=dt.date(Y, 12, 31),
    )
    services.set_targets(campaign, services.target_professionals("00", ["medecin_generaliste"]))
    webinar = Webinar.objects.create(titre="e-CPS", date=dt.date.today(), departement_id="00")
    contact = Contact.objects.create(
        professional=p,
        departement_id="00",
        canal="webinaire",
        date=dt.date.today(),
        campagne=campaign,
        webinaire=webinar,
        equipe="DAM",
    )
    follow_up = FollowUp.objects.create(contact=contact, libelle="rappel", echeance=dt.date.today())
    installation, _ = services.create_installation(p, "00", dt.date(Y - 1, 1, 10))
    contract = services.create_contract(
        p, "00", "infirmier", dt.date(Y, 1, 15), {"cle": "autre_installation"}
    )
    Payment.objects.create(contrat=contract, date=dt.date(Y, 2, 1), montant=100)
    aci = AciContract.objects.filter(kind="cpts").first()
    dossier = aci.dossier
    Member.objects.create(
        dossier=dossier, professional=p, nom=f"Alex {NAME}", categorie="infirmier"
    )
    event = Event.objects.filter(dossier=dossier).first()
    document = Document.objects.create(
        evenement=event, titre="lettre", fichier=ContentFile(b"%PDF-1.4 demo", name="l.pdf")
    )
    admin_user = make_user(Role.ADMINISTRATEUR, "admin-crawl")
    make_user(Role.AGENT_CPAM, "agent-crawl")
    return {
        "p": p,
        "activity": Activity.objects.filter(professional=p).first(),
        "campaign": campaign,
        "follow_up": follow_up,
        "installation": installation,
        "milestone": installation.jalons.first(),
        "contract": contract,
        "aci": aci,
        "mission": Mission.objects.filter(contrat=aci).first(),
        "structure": dossier.structure,
        "cpts": Structure.objects.filter(kind="CPTS").first(),
        "document": document,
        "admin": admin_user,
    }


def _values(w) -> dict[str, str]:
    """A value for each URL parameter, by route and parameter name."""
    return {
        "rpps": w["p"].identifiant_national,
        "communes/<str:code>/": "00001",
        "departements/<str:code>/": "00",
        "offre/communes/<str:code>/": "00001",
        "offre/cpts/<int:pk>/": str(w["cpts"].pk),
        "accessibilite/communes/<str:code>/": "00001",
        "exercice-coordonne/departements/<str:code>/": "00",
        "exercice-coordonne/regions/<str:code>/": w["structure"].commune.departement.region_id,
        "exercice-coordonne/structures/": str(w["structure"].pk),
        "exercice-coordonne/documents/": str(w["document"].pk),
        "exercice-coordonne/contrats/": str(w["aci"].pk),
        "exercice-coordonne/missions/": str(w["mission"].pk),
        "exercice-coordonne/resultats/": "1",
        "exercice-coordonne/paiements/": "1",
        "accompagnement/campagnes/": str(w["campaign"].pk),
        "accompagnement/installations/": str(w["installation"].pk),
        "accompagnement/suites/": str(w["follow_up"].pk),
        "accompagnement/jalons/": str(w["milestone"].pk),
        "accompagnement/contrats/": str(w["contract"].pk),
        "diagnostic/mes-territoires/": "1",
        "diagnostic/carte/": "00",
        "chiffres-cles/": "00",
    }


EXTRA_QUERIES = {
    "outreach:contact_new": f"?q={NAME}",
    "outreach:search": f"?q={NAME}",
    "diagnostics:export": "?communes=00001",
    "diagnostics:territory": "?communes=00001",
    "access:scenario": "?departement=00&commune=00001&etp=1",
    "supply:index": "?q=00001",
}
FORMATS = {"fmt": ["csv", "json"], "kind": None, "year": [str(Y)], "millesime": None}


def _bare(route: str) -> str:
    """The route without its converters: ``<commune:code>`` and ``<str:code>`` alike."""
    return re.sub(r"<\w+:(\w+)>", r"<\1>", route)


def _site_urls(w):
    """(name, url, view) for every page of the site, parameters filled in."""
    from maillage.web.reporting.services import DETAIL_KINDS

    values = _values(w)

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith(("admin/", "api/")):
                    continue
                ns = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, route, pattern.callback

    for name, route, view in walk(get_resolver().url_patterns):
        if "zonages/<slug" in route:
            continue  # a zoning of the public referential (none in this dataset)
        variants = [route]
        for param in re.findall(r"<(?:\w+:)?(\w+)>", route):
            expanded = []
            for current in variants:
                token = re.search(rf"<(?:\w+:)?{param}>", current).group(0)
                if param == "kind":
                    choices = list(DETAIL_KINDS)
                elif FORMATS.get(param):
                    choices = FORMATS[param]
                elif param == "rpps":
                    choices = [values["rpps"]]
                else:
                    key = next(
                        (
                            k
                            for k in sorted(values, key=len, reverse=True)
                            if _bare(current).startswith(_bare(k))
                        ),
                        None,
                    )
                    assert key is not None, f"pas de valeur pour {param} dans {route}"
                    choices = [values[key]]
                expanded += [current.replace(token, choice, 1) for choice in choices]
            variants = expanded
        for url in variants:
            yield name, "/" + url + EXTRA_QUERIES.get(name, ""), view


def _admin_urls(w):
    for model in admin.site._registry:
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        yield f"{base}_changelist", reverse(f"{base}_changelist"), None
        obj = w["p"] if model is type(w["p"]) else model.objects.order_by("pk").first()
        if model.__name__ == "Activity":
            obj = w["activity"]
        if obj is None:
            continue
        yield f"{base}_change", reverse(f"{base}_change", args=[obj.pk]), None
        yield f"{base}_history", reverse(f"{base}_history", args=[obj.pk]), None
    yield "admin_journal", reverse("admin_journal") + "?type=acces", None
    yield (
        "admin_journal",
        reverse("admin_journal") + f"?type=modifications&rpps={w['p'].identifiant_national}",
        None,
    )


API_VALUES = {
    "code": "00001",
    "q": NAME,
    "profession": "medecin_generaliste",
    "date": f"{Y}-01-01",
    "departement": "00",
    "commune": "00001",
    "etp": "1",
    "annee": str(Y),
    "year": str(Y),
}


def _api_urls(w):
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        params = operations["get"].get("parameters", [])
        url = path
        query = []
        for param in params:
            value = API_VALUES.get(param["name"])
            if param["name"] == "pk":
                value = str(w["aci"].pk)
            if param["name"] == "code" and ("chiffres" in path or "departements" in path):
                value = "00"
            if param["in"] == "path":
                url = url.replace("{" + param["name"] + "}", value)
            elif value is not None and (param.get("required") or param["name"] == "q"):
                query.append(f"{param['name']}={value}")
        yield f"api {path}", url + ("?" + "&".join(query) if query else ""), None


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def test_every_read_of_nominative_data_is_logged_and_never_cached(client, world):
    client.force_login(world["admin"])
    rpps = world["p"].identifiant_national
    urls = [*_site_urls(world), *_admin_urls(world), *_api_urls(world)]
    nominative, declared_reached, failures = set(), set(), []
    for name, url, view in urls:
        before = AccessLog.objects.filter(rpps=rpps).count()
        all_before = AccessLog.objects.count()
        response = client.get(url)
        if view is not None and getattr(view, "personal_data", False):
            declared_reached.add(name)
            if "no-store" not in response.get("Cache-Control", ""):
                failures.append(f"{url}: @personal_data sans no-store")
        if response.status_code != 200:
            continue
        body = _body(response)
        if NAME not in body and rpps not in body:
            continue
        nominative.add(name)
        if "no-store" not in response.get("Cache-Control", ""):
            failures.append(f"{url}: données nominatives sans Cache-Control no-store")
        if name in JOURNAL_PAGES or name.startswith("admin:accounts_"):
            if name == "admin_journal" and AccessLog.objects.count() == all_before:
                failures.append(f"{url}: lecture du journal non journalisée")
            continue
        if AccessLog.objects.filter(rpps=rpps).count() == before:
            failures.append(f"{url}: lecture de données nominatives non journalisée")
    assert failures == [], "\n".join(failures)
    # The walk found the nominative pages the issue names, and more.
    assert {
        "outreach:contracts",
        "outreach:search",
        "outreach:contact_new",
        "coordination:structure",
        "supply:commune",
        "admin:supply_professional_changelist",
        "api /api/accompagnement/professionnels",
    } <= nominative
    declared = {
        name for name, _, view in _site_urls(world) if getattr(view, "personal_data", False)
    }
    assert declared == declared_reached
    assert len(nominative) >= 20
