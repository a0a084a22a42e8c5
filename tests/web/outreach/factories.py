"""Small hand-built outreach datasets shared by the outreach and reporting tests."""

from __future__ import annotations

import datetime as dt

from maillage.web.accounts.roles import Role
from maillage.web.supply.models import Activity, Professional, SupplyImport
from maillage.web.territories.models import Commune, Departement, Region

from ..factories import UserFactory


def make_user(role, username=None, departements=("00",)):
    """A user of ``role`` (an agent limited to ``departements``); ``None`` for no user."""
    if role is None:
        return None
    return UserFactory(
        username=username or f"u-{role.name.lower()}",
        role=role,
        departements=departements if role is Role.AGENT_CPAM else None,
    )


def other_departement() -> Departement:
    """A second département "99" with one commune, for agents out of scope."""
    region = Region.objects.first()
    departement, _ = Departement.objects.get_or_create(
        code="99", defaults={"nom": "Autre département fictif", "region": region}
    )
    Commune.objects.get_or_create(
        code="99001",
        defaults={
            "nom": "Ailleurs",
            "departement": departement,
            "region": region,
            "population": 1000,
        },
    )
    return departement


_counter = [0]


def professional(
    category="medecin_generaliste", commune="00001", first=None, last=None, actif=True, nom=None
):
    _counter[0] += 1
    number = _counter[0]
    p = Professional.objects.create(
        identifiant_national=f"81{number:010d}",
        type_identifiant="8",
        nom=nom or f"TEST{number}",
        prenom="Alex",
        code_profession="10" if category.startswith("medecin") else "60",
        libelle_profession=category,
        categorie=category,
        premier_import=first,
        dernier_import=last,
        actif=actif,
    )
    Activity.objects.create(professional=p, commune_id=commune, mode_exercice="L")
    return p


def rpps_import(day: dt.date, name: str = "") -> SupplyImport:
    return SupplyImport.objects.create(
        kind=SupplyImport.Kind.RPPS, fichier=name or str(day), date_donnees=day
    )


def add_installations(count: int = 5, day: dt.date | None = None) -> None:
    """Installations (with their milestones) of ``count`` professionals not yet followed."""
    from maillage.web.outreach import services
    from maillage.web.outreach.models import Installation

    taken = Installation.objects.values("professional_id")
    found = (
        Professional.objects.filter(actif=True, activites__commune__isnull=False)
        .exclude(pk__in=taken)
        .distinct()[:count]
    )
    for p in found:
        commune = p.activites.filter(commune__isnull=False).first().commune
        services.create_installation(p, commune.departement_id, day or dt.date.today())


def add_contacts(count: int = 5, departement: str = "00", day: dt.date | None = None) -> None:
    """One phone contact with each of ``count`` professionals practising in ``departement``."""
    from maillage.web.outreach.models import Channel, Contact, Team

    found = Professional.objects.filter(activites__commune__departement_id=departement).distinct()[
        :count
    ]
    Contact.objects.bulk_create(
        Contact(
            professional=p,
            departement_id=departement,
            canal=Channel.TELEPHONE,
            date=day or dt.date.today(),
            equipe=Team.DAM,
            sujet="suivi",
        )
        for p in found
    )
