"""Loads the fictitious demo territory and the demo accounts into the database (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from maillage.engine.demo.territory import POPULATION_YEAR, generate
from maillage.web.accounts.models import User
from maillage.web.accounts.roles import Role, role_group
from maillage.web.dbstats import refresh_planner_statistics
from maillage.web.imports import ImportReport, atomic_import, sync
from maillage.web.territories.models import AGE_BAND_FIELDS, Commune, Departement, Epci, Region

DEMO_PASSWORD = "demo-maillage-2026"  # noqa: S105 — fictitious accounts of the local demo only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    description: str
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("admin", Role.ADMINISTRATEUR, "administrateur (accès à l'administration)", True),
    DemoAccount("agent", Role.AGENT_CPAM, "agent CPAM du Territoire de démonstration"),
    DemoAccount("coordinateur", Role.COORDINATEUR, "coordinateur d'une CPTS de démonstration"),
    DemoAccount("professionnel", Role.PROFESSIONNEL, "professionnel de santé"),
)


def load_demo_territory(report: ImportReport | None = None) -> ImportReport:
    territory = generate()
    report = report or ImportReport("Territoire de démonstration — données fictives")
    with atomic_import(report):
        sync(Region, {territory.region[0]: {"nom": territory.region[1]}}, report, label="régions")
        sync(
            Departement,
            {
                territory.departement[0]: {
                    "nom": territory.departement[1],
                    "region_id": territory.region[0],
                    "chef_lieu": next(c.code for c in territory.communes if c.chef_lieu_rank == 1),
                }
            },
            report,
            label="départements",
        )
        sync(
            Epci,
            {
                siren: {"nom": name, "nature": "CA" if name.startswith("CA") else "CC"}
                for siren, name in territory.epcis.items()
            },
            report,
            label="EPCI",
        )
        rows = {}
        for c in territory.communes:
            values = {
                "nom": c.nom,
                "nature": Commune.Nature.COMMUNE,
                "statut": Commune.Statut.ACTUELLE,
                "departement_id": territory.departement[0],
                "region_id": territory.region[0],
                "epci_id": c.epci,
                "codes_postaux": c.codes_postaux,
                "population": c.population,
                "population_annee": POPULATION_YEAR,
                "pop_ages_annee": POPULATION_YEAR,
                "surface_km2": c.surface_km2,
                "centre_lon": c.centre[0],
                "centre_lat": c.centre[1],
                "contour": c.contour,
                "bbox_min_lon": c.bbox[0],
                "bbox_min_lat": c.bbox[1],
                "bbox_max_lon": c.bbox[2],
                "bbox_max_lat": c.bbox[3],
            }
            values |= {AGE_BAND_FIELDS[band][0]: value for band, value in c.ages.items()}
            rows[c.code] = values
        sync(Commune, rows, report, label="communes")
    return report


# Modules that add demo content, in dependency order; each may define ``load_demo()``
# (idempotent, returns an ImportReport) in ``maillage.web.<module>.demo``.
DEMO_MODULES = ("territories", "supply", "access", "coordination", "outreach")


def load_demo() -> list[ImportReport]:
    """The whole demo: territory, then each module's content, then the accounts."""
    import importlib

    reports = [load_demo_territory()]
    refresh_planner_statistics()
    for module in DEMO_MODULES:
        try:
            demo_module = importlib.import_module(f"maillage.web.{module}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"maillage.web.{module}.demo":
                raise
            continue
        report = demo_module.load_demo()
        # Later modules query what earlier ones wrote (campaign targets read the supply).
        refresh_planner_statistics()
        if report is not None:
            reports.append(report)
    create_demo_accounts()
    return reports


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    departement = Departement.objects.get(code="00")
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.is_staff = account.superuser
        user.is_superuser = account.superuser
        user.first_name = account.description.split(" ")[0].capitalize()
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([role_group(account.role)])
        if account.role is Role.AGENT_CPAM:
            user.departements.set([departement])
        if account.role is Role.PROFESSIONNEL:
            user.rpps = _demo_professional_rpps()
            user.save(update_fields=["rpps"])
    return list(DEMO_ACCOUNTS)


def _demo_professional_rpps() -> str:
    """The demo professional's own file: a doctor with a contract if the outreach demo is
    loaded, else any doctor of the demo territory, else none."""
    from maillage.web.outreach.models import Contract
    from maillage.web.supply.models import Professional

    contract = Contract.objects.filter(departement_id="00").order_by("pk").first()
    if contract is not None:
        return contract.professional.identifiant_national
    doctor = (
        Professional.objects.filter(activites__commune__departement_id="00")
        .order_by("identifiant_national")
        .first()
    )
    return doctor.identifiant_national if doctor else ""
