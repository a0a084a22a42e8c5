"""A year of support to professionals on the demo territory (fictitious data, deterministic).

Runs after the supply demo and uses its professionals; without them (supply demo absent) it
creates a few fictitious professionals of its own in the demo communes "00001".."00150".
Idempotent: a second run finds the demo campaigns and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from maillage.web.accounts.models import User
from maillage.web.imports import ImportReport
from maillage.web.supply.models import Activity, Professional, SupplyImport
from maillage.web.territories.models import Commune

from . import services
from .contracts import add_months
from .models import (
    Campaign,
    Channel,
    Contact,
    Contract,
    FollowUp,
    Installation,
    Milestone,
    Payment,
    Team,
    Webinar,
)

DEPARTEMENT = "00"
DEMO_PREFIX = "[démo] "
SEED = 2026
try:  # the year of the supply demo's RPPS imports, so that installations fall in it
    from maillage.web.supply.demo import YEAR as DEMO_YEAR
except ImportError:  # pragma: no cover - supply demo absent
    DEMO_YEAR = 2024

# (theme, scope, professions, channels, team, start month, months, share of targets reached)
CAMPAIGNS = (
    (
        "Vaccination antigrippale",
        "nationale",
        ["medecin_generaliste", "pharmacien", "infirmier"],
        ["visite", "telephone", "email"],
        Team.DAM,
        9,
        3,
        0.7,
    ),
    (
        "Metformine chez le diabétique de type 2",
        "nationale",
        ["medecin_generaliste", "pharmacien"],
        ["visite", "visio"],
        Team.DAM,
        2,
        4,
        0.8,
    ),
    (
        "Assistants médicaux",
        "nationale",
        ["medecin_generaliste"],
        ["visite", "telephone"],
        Team.DAM,
        4,
        6,
        0.6,
    ),
    (
        "Services en ligne et e-CPS",
        "locale",
        ["medecin_generaliste", "infirmier", "masseur_kinesitherapeute", "sage_femme"],
        ["telephone", "visio", "email"],
        Team.CIS,
        1,
        12,
        0.35,
    ),
    (
        "Bilan de soins infirmiers",
        "locale",
        ["infirmier"],
        ["visite", "telephone"],
        Team.DAM,
        5,
        3,
        0.6,
    ),
)
WEBINARS = (
    ("Dépistage des cancers : mieux comprendre pour mieux agir", 4, 18, 21),
    ("Ordonnance numérique", 6, 12, 30),
    ("Facturation du bilan de soins infirmiers", 10, 15, 8),
)
FALLBACK = (
    ("medecin_generaliste", "10", "Médecin", 20),
    ("infirmier", "60", "Infirmier", 20),
    ("pharmacien", "21", "Pharmacien", 8),
    ("masseur_kinesitherapeute", "70", "Masseur-Kinésithérapeute", 8),
)


def _ensure_professionals(report: ImportReport) -> None:
    """A few fictitious professionals when the supply demo did not create any."""
    if services.professionals_in([DEPARTEMENT]).exists():
        return
    rng = random.Random(SEED)  # noqa: S311 — fictitious demo data, not security
    communes = list(
        Commune.objects.filter(departement_id=DEPARTEMENT).values_list("code", flat=True)
    )
    previous, _ = SupplyImport.objects.get_or_create(
        kind=SupplyImport.Kind.RPPS,
        fichier="accompagnement démo — extraction précédente",
        defaults={"date_donnees": dt.date(DEMO_YEAR, 6, 1)},
    )
    latest, _ = SupplyImport.objects.get_or_create(
        kind=SupplyImport.Kind.RPPS,
        fichier="accompagnement démo — extraction",
        defaults={"date_donnees": dt.date(DEMO_YEAR, 12, 1)},
    )
    number = 0
    for category, profession, label, count in FALLBACK:
        for _ in range(count):
            number += 1
            professional = Professional.objects.create(
                identifiant_national=f"898{number:09d}",
                type_identifiant="8",
                nom=f"DEMO{number}-FICTIF",
                prenom="Camille",
                code_profession=profession,
                libelle_profession=label,
                categorie=category,
                premier_import=latest if number % 7 == 0 else previous,
                dernier_import=latest,
            )
            Activity.objects.create(
                professional=professional, commune_id=rng.choice(communes), mode_exercice="L"
            )
    report.add("professionnels (repli)", created=number)


def _author():
    user, _ = User.objects.get_or_create(username="agent")
    return user


def load_demo() -> ImportReport:
    report = ImportReport("Accompagnement des professionnels de démonstration — données fictives")
    if not Commune.objects.filter(departement_id=DEPARTEMENT).exists():
        report.warn("territoire de démonstration absent")
        return report
    if Campaign.objects.filter(departement_id=DEPARTEMENT, theme__startswith=DEMO_PREFIX).exists():
        report.add(
            "campagnes", unchanged=Campaign.objects.filter(theme__startswith=DEMO_PREFIX).count()
        )
        return report
    with transaction.atomic():
        _ensure_professionals(report)
        _load(report)
    return report


def _load(report: ImportReport) -> None:
    rng = random.Random(SEED)  # noqa: S311 — fictitious demo data, not security
    author = _author()
    year = DEMO_YEAR
    dep_of = dict(
        Activity.objects.filter(commune__departement_id=DEPARTEMENT).values_list(
            "professional_id", "commune__departement_id"
        )
    )
    contacts: list[Contact] = []
    campaigns = []
    for theme, scope, professions, channels, team, month, months, reach in CAMPAIGNS:
        start = dt.date(year, month, 1)
        end = add_months(start, months) - dt.timedelta(days=1)
        campaign = Campaign.objects.create(
            theme=DEMO_PREFIX + theme,
            portee=scope,
            departement_id=DEPARTEMENT,
            professions=professions,
            canaux=channels,
            debut=start,
            fin=end,
            criteres={"professions": professions, "liberal": True},
            cree_par=author,
            description="Campagne fictive du territoire de démonstration.",
        )
        targets = services.target_professionals(DEPARTEMENT, professions, liberal_only=True)
        services.set_targets(campaign, targets)
        campaigns.append(campaign)
        span = (end - start).days
        for pk in targets.values_list("pk", flat=True):
            if rng.random() >= reach:
                continue
            contacts.append(
                Contact(
                    professional_id=pk,
                    departement_id=dep_of.get(pk, DEPARTEMENT),
                    canal=rng.choice(channels),
                    date=start + dt.timedelta(days=rng.randrange(span + 1)),
                    campagne=campaign,
                    auteur=author,
                    equipe=team,
                    resultat=rng.choices(Contact.Outcome.values, weights=(80, 10, 7, 3))[0],
                )
            )
    # Contacts outside campaigns (topics) across the year.
    everyone = list(services.professionals_in([DEPARTEMENT]).values_list("pk", "categorie"))
    topics = (
        "Téléservices",
        "Nomenclature et cotations",
        "Convention et avenants",
        "Indemnités kilométriques",
    )
    for _ in range(min(120, len(everyone))):
        pk, _category = rng.choice(everyone)
        contacts.append(
            Contact(
                professional_id=pk,
                departement_id=dep_of.get(pk, DEPARTEMENT),
                canal=rng.choice([Channel.TELEPHONE, Channel.EMAIL, Channel.VISIO]),
                date=dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365)),
                sujet=rng.choice(topics),
                auteur=author,
                equipe=rng.choice([Team.CIS, Team.RPS, Team.DAM]),
            )
        )
    Contact.objects.bulk_create(contacts)
    report.add("campagnes", created=len(campaigns))
    # Follow-ups on a tenth of the campaign contacts (some done).
    follow = list(Contact.objects.filter(campagne__in=campaigns).order_by("pk"))[::10]
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                contact=c,
                libelle="Envoyer la documentation",
                echeance=c.date + dt.timedelta(days=15),
                fait=i % 3 != 0,
                fait_le=c.date + dt.timedelta(days=10) if i % 3 else None,
            )
            for i, c in enumerate(follow)
        ]
    )
    webinar_count = 0
    for title, month, identified, anonymous in WEBINARS:
        webinar = Webinar.objects.create(
            titre=title,
            date=dt.date(year, month, 12),
            departement_id=DEPARTEMENT,
            equipe=Team.DAM,
            participants_non_identifies=anonymous,
        )
        webinar_count += 1
        chosen = rng.sample(everyone, min(identified, len(everyone)))
        Contact.objects.bulk_create(
            [
                Contact(
                    professional_id=pk,
                    departement_id=dep_of.get(pk, DEPARTEMENT),
                    canal=Channel.WEBINAIRE,
                    date=webinar.date,
                    sujet=title,
                    webinaire=webinar,
                    auteur=author,
                    equipe=Team.DAM,
                )
                for pk, _ in chosen
            ]
        )
    report.add("webinaires", created=webinar_count)
    report.add("contacts", created=Contact.objects.filter(departement_id=DEPARTEMENT).count())
    # Installation pathway: detected between the two RPPS imports of the supply demo.
    detected = services.detect_installations(DEPARTEMENT)
    installations = list(
        Installation.objects.filter(departement_id=DEPARTEMENT)
        .select_related("professional")
        .order_by("pk")
    )
    for i, installation in enumerate(installations):
        for milestone in installation.jalons.order_by("echeance"):
            # Most milestones done on time; every fifth pathway is left behind (alerts).
            if i % 5 == 4 and milestone.kind != Milestone.Kind.RDV_INSTALLATION:
                continue
            milestone.realise_le = milestone.echeance - dt.timedelta(days=rng.randrange(10))
            milestone.save(update_fields=["realise_le"])
        if installation.professional.categorie == services.NURSE_CATEGORY and i % 4 != 3:
            installation.controle_date = add_months(installation.date_installation, 6)
            installation.controle_resultat = rng.choice(Installation.CheckResult.values[:2])
            installation.save(update_fields=["controle_date", "controle_resultat"])
    report.add("installations", created=detected)
    _contracts(report, rng, year)


def _contracts(report: ImportReport, rng: random.Random, year: int) -> None:
    by_category = {}
    for pk, category in services.professionals_in([DEPARTEMENT]).values_list("pk", "categorie"):
        by_category.setdefault(category, []).append(pk)
    plan = [
        ("medecin_generaliste", Contract.Kind.CAIM, dt.date(year, 3, 4), {"jours": 4}, "ZIP"),
        (
            "medecin_generaliste",
            Contract.Kind.CAIM,
            dt.date(year, 9, 16),
            {"jours": 3, "hopital_proximite": True},
            "ZIP",
        ),
        (
            "medecin_generaliste",
            Contract.Kind.COSCOM,
            dt.date(year, 2, 1),
            {"annees": 3, "stagiaire_mois": 6},
            "ZIP",
        ),
        (
            "medecin_generaliste",
            Contract.Kind.COTRAM,
            dt.date(year, 5, 1),
            {"annees": 3, "honoraires_annuels": "150000"},
            "ZIP",
        ),
        (
            "medecin_generaliste",
            Contract.Kind.CSTM,
            dt.date(year, 6, 1),
            {"annees": 3, "honoraires_annuels": "40000"},
            "ZIP",
        ),
        (
            "medecin_generaliste",
            Contract.Kind.ASSISTANT_MEDICAL,
            dt.date(year, 4, 15),
            {"annees": 3, "montant": "36000"},
            "",
        ),
        (
            "medecin_generaliste",
            Contract.Kind.ASSISTANT_MEDICAL,
            dt.date(year, 10, 2),
            {"annees": 3, "montant": "36000"},
            "",
        ),
        (
            "infirmier",
            Contract.Kind.INFIRMIER,
            dt.date(year, 7, 1),
            {"cle": "premiere_installation"},
            "tres_sous_dotee",
        ),
        (
            "masseur_kinesitherapeute",
            Contract.Kind.KINE,
            dt.date(year, 11, 3),
            {"cle": "adhesion_cabinet"},
            "tres_sous_dotee",
        ),
        (
            "medecin_generaliste",
            Contract.Kind.INSTALLATION_2026,
            dt.date(2026, 3, 2),
            {"zone": "ZIP"},
            "ZIP",
        ),
    ]
    today = dt.date.today()
    created = 0
    for index, (category, kind, day, options, zone) in enumerate(plan):
        candidates = by_category.get(category)
        if not candidates:
            continue
        pk = candidates[(index * 7) % len(candidates)]
        contract = services.create_contract(
            Professional.objects.get(pk=pk), DEPARTEMENT, kind, day, options, zone
        )
        created += 1
        Payment.objects.bulk_create(
            [
                Payment(
                    contrat=contract,
                    echeance=e,
                    date=e.date_prevue + dt.timedelta(days=rng.randrange(20, 45)),
                    montant=e.montant,
                )
                for e in contract.echeances.filter(date_prevue__lte=today - dt.timedelta(days=45))
            ]
        )
    report.add("contrats", created=created)
