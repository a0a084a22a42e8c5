"""Demo content of the coordinated-care steering (fictitious département "00", idempotent).

Uses the CPTS / MSP of the supply demo when present, else creates minimal structures over the
demo communes. Structures at every stage; one CPTS with a signed contract, missions, indicators,
validated results, a dialogue de gestion and payments; MSP under the ACI with an exercise.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from maillage.web.imports import ImportReport
from maillage.web.supply.models import Structure, StructureCommune
from maillage.web.territories.models import Commune

from .models import (
    Contract,
    Dialogue,
    Dossier,
    Event,
    Indicator,
    Member,
    Mission,
    MspCriterion,
    MspExercise,
    Payment,
    Result,
)
from .services import profession_label

DEMO = "00"
# (identifiant, nom, first commune, last commune) of the fallback CPTS: contiguous code ranges.
FALLBACK_CPTS = [
    ("DEMO-CPTS-NORD", "CPTS démo du Nord", 1, 50),
    ("DEMO-CPTS-CENTRE", "CPTS démo du Centre", 45, 100),
    ("DEMO-CPTS-SUD", "CPTS démo du Sud", 101, 150),
]
FALLBACK_MSP = [
    ("DEMO-MSP-1", "MSP démo des Tilleuls", 3),
    ("DEMO-MSP-2", "MSP démo du Port", 60),
    ("DEMO-MSP-3", "MSP démo des Collines", 120),
]
MEMBERS = {  # demo CPTS membership, shaped like the Var report (22 % GPs, 51 % nurses…)
    "medecin_generaliste": 22,
    "infirmier": 51,
    "masseur_kinesitherapeute": 10,
    "pharmacien": 9,
    "sage_femme": 4,
    "orthophoniste": 4,
}


def _structures(kind: str) -> list[Structure]:
    found = list(
        Structure.objects.filter(kind=kind, commune__departement=DEMO).order_by("identifiant")
    )
    if found:
        return found
    created = []
    if kind == Structure.Kind.CPTS:
        for ident, nom, first, last in FALLBACK_CPTS:
            seat = Commune.objects.get(code=f"00{first:03d}")
            s, _ = Structure.objects.get_or_create(
                kind=kind, identifiant=ident, defaults={"nom": nom, "commune": seat}
            )
            StructureCommune.objects.bulk_create(
                [
                    StructureCommune(structure=s, commune_id=f"00{i:03d}")
                    for i in range(first, last + 1)
                ],
                ignore_conflicts=True,
            )
            created.append(s)
    else:
        for ident, nom, commune in FALLBACK_MSP:
            s, _ = Structure.objects.get_or_create(
                kind=kind,
                identifiant=ident,
                defaults={"nom": nom, "commune": Commune.objects.get(code=f"00{commune:03d}")},
            )
            created.append(s)
    return sorted(created, key=lambda s: s.identifiant)  # same order as the query above


def _events(dossier: Dossier, steps: list[tuple[str, dt.date]]) -> None:
    for kind, date in steps:
        Event.objects.get_or_create(dossier=dossier, kind=kind, date=date)


@transaction.atomic
def load_demo() -> ImportReport | None:
    if not Commune.objects.filter(code="00001").exists():
        return None
    report = ImportReport("Exercice coordonné — démonstration")
    before = Contract.objects.count()
    cpts = _structures(Structure.Kind.CPTS)
    msps = _structures(Structure.Kind.MSP)
    K = Event.Kind

    # CPTS 1: full lifecycle, contract signed in 2023, first dialogue de gestion done.
    d1 = Dossier.objects.get_or_create(structure=cpts[0])[0]
    _events(
        d1,
        [
            (K.LETTRE_INTENTION, dt.date(2022, 3, 1)),
            (K.VALIDATION_ARS, dt.date(2022, 5, 2)),
            (K.PRE_PROJET, dt.date(2022, 9, 15)),
            (K.DIAGNOSTIC, dt.date(2022, 11, 20)),
            (K.PROJET_SANTE, dt.date(2023, 2, 10)),
            (K.ACI_SIGNE, dt.date(2023, 4, 3)),
        ],
    )
    contract, created = Contract.objects.get_or_create(
        dossier=d1, kind=Contract.Kind.CPTS, date_signature=dt.date(2023, 4, 3)
    )
    if created:
        _cpts_contract_content(contract)
    if not d1.membres.exists():
        Member.objects.bulk_create(
            [
                Member(dossier=d1, categorie=cat, nom=f"Membre {profession_label(cat)} {i + 1}")
                for cat, n in MEMBERS.items()
                for i in range(n)
            ]
        )
    from maillage.web.accounts.models import User

    coordinator, _ = User.objects.get_or_create(username="coordinateur")
    d1.coordinateurs.add(coordinator)

    # CPTS 2: projet de santé validé; CPTS 3: lettre d'intention only.
    if len(cpts) > 1:
        d2 = Dossier.objects.get_or_create(structure=cpts[1])[0]
        _events(
            d2,
            [
                (K.LETTRE_INTENTION, dt.date(2024, 1, 15)),
                (K.VALIDATION_ARS, dt.date(2024, 3, 1)),
                (K.DIAGNOSTIC, dt.date(2024, 9, 1)),
                (K.PROJET_SANTE, dt.date(2025, 6, 1)),
            ],
        )
    if len(cpts) > 2:
        d3 = Dossier.objects.get_or_create(structure=cpts[2])[0]
        _events(d3, [(K.LETTRE_INTENTION, dt.date(2025, 10, 1))])

    # MSP 1 and 2 under the ACI; MSP 3 at pré-projet.
    for i, structure in enumerate(msps[:3]):
        dossier = Dossier.objects.get_or_create(structure=structure)[0]
        if i == 2:
            _events(dossier, [(K.PRE_PROJET, dt.date(2025, 4, 1))])
            continue
        dossier.sisa, dossier.sisa_date, dossier.patientele_mt = True, dt.date(2021, 6, 1), 5200
        dossier.save()
        _events(
            dossier, [(K.PROJET_SANTE, dt.date(2021, 9, 1)), (K.ACI_SIGNE, dt.date(2022, 1, 1))]
        )
        msp_contract, created = Contract.objects.get_or_create(
            dossier=dossier, kind=Contract.Kind.MSP, date_signature=dt.date(2022, 1, 1)
        )
        if created:
            _msp_contract_content(msp_contract, 5200 - 800 * i)
        if not dossier.membres.exists():
            Member.objects.bulk_create(
                [
                    Member(
                        dossier=dossier,
                        categorie="medecin_generaliste",
                        associe=True,
                        nom=f"Associé médecin {k}",
                    )
                    for k in range(1, 4)
                ]
                + [Member(dossier=dossier, categorie="infirmier", associe=True, nom="Associée IDE")]
            )
    # A centre de santé under the accord national, and an ESP project that was dissolved.
    cds = Structure.objects.filter(kind=Structure.Kind.CDS, commune__departement=DEMO).first()
    if cds is None:
        cds, _ = Structure.objects.get_or_create(
            kind=Structure.Kind.CDS,
            identifiant="DEMO-CDS-1",
            defaults={"nom": "Centre de santé démo", "commune": Commune.objects.get(code="00020")},
        )
    d_cds = Dossier.objects.get_or_create(structure=cds)[0]
    if not d_cds.accord_cds:
        d_cds.accord_cds = True
        d_cds.save()
    _events(d_cds, [(K.PROJET_SANTE, dt.date(2020, 9, 1))])
    esp, _ = Structure.objects.get_or_create(
        kind=Structure.Kind.ESP,
        identifiant="DEMO-ESP-1",
        defaults={
            "nom": "Équipe de soins primaires démo",
            "commune": Commune.objects.get(code="00030"),
        },
    )
    _events(
        Dossier.objects.get_or_create(structure=esp)[0],
        [
            (K.LETTRE_INTENTION, dt.date(2021, 2, 1)),
            (K.VALIDATION_ARS, dt.date(2021, 4, 1)),
            (K.DIAGNOSTIC, dt.date(2021, 10, 1)),
            (K.DISSOLUTION, dt.date(2022, 6, 30)),
        ],
    )
    created_now = Contract.objects.count() - before
    report.add(
        "contrats ACI", created=created_now, unchanged=Contract.objects.count() - created_now
    )
    return report


def _cpts_contract_content(contract: Contract) -> None:
    sig = contract.date_signature
    acces = Mission.objects.create(
        contrat=contract,
        code="acces_aux_soins",
        part_fixe=Decimal(40000),
        part_variable=Decimal(40000),
        date_demarrage=sig + dt.timedelta(days=90),
        date_deploiement=dt.date(2024, 6, 1),
    )
    parcours = Mission.objects.create(
        contrat=contract,
        code="parcours_pluriprofessionnels",
        part_fixe=Decimal(25000),
        part_variable=Decimal(25000),
        date_demarrage=dt.date(2024, 1, 8),
    )
    Mission.objects.create(
        contrat=contract,
        code="prevention",
        part_fixe=Decimal(10000),
        part_variable=Decimal(10000),
        date_demarrage=None,
    )
    Mission.objects.create(
        contrat=contract,
        code="crises_sanitaires",
        part_fixe=Decimal(31250),
        part_variable=Decimal(31250),
        date_demarrage=sig + dt.timedelta(days=150),
    )
    mt = Indicator.objects.create(
        mission=acces,
        code="patients_sans_mt",
        libelle="Patients sans médecin traitant qui en ont trouvé un",
        poids=Decimal("0.6"),
        valeur_initiale=0,
        objectif=800,
        objectifs_annuels={"1": 300},
    )
    snp = Indicator.objects.create(
        mission=acces,
        code="demandes_snp",
        libelle="Demandes de soins non programmés traitées",
        poids=Decimal("0.4"),
        valeur_initiale=0,
        objectif=2000,
        paliers=[{"valeur": 1000, "taux": 0.5}],
        mode="paliers",
    )
    protocols = Indicator.objects.create(
        mission=parcours,
        code="protocoles",
        libelle="Protocoles pluriprofessionnels en place",
        poids=Decimal(1),
        valeur_initiale=0,
        objectif=4,
    )
    for ind, value in ((mt, 240), (snp, 1200), (protocols, 2)):
        Result.objects.create(indicateur=ind, annee_contrat=1, valeur=value, statut="valide")
    Dialogue.objects.create(
        contrat=contract,
        annee_contrat=1,
        date=dt.date(2024, 5, 15),
        compte_rendu="Premier dialogue de gestion (démonstration).",
    )
    Event.objects.get_or_create(
        dossier=contract.dossier, kind=Event.Kind.DIALOGUE, date=dt.date(2024, 5, 15)
    )
    for date, amount, what in (
        (dt.date(2023, 4, 20), Decimal(50000), "fonctionnement"),
        (dt.date(2023, 7, 10), Decimal(30000), "part_fixe_avance"),
        (dt.date(2024, 4, 15), Decimal(50000), "fonctionnement"),
    ):
        Payment.objects.create(
            contrat=contract, date=date, montant=amount, composante=what, reference="DEMO"
        )


def _msp_contract_content(contract: Contract, patientele: int) -> None:
    ex = MspExercise.objects.create(
        contrat=contract,
        annee=2024,
        patientele=patientele,
        patientele_avance=patientele - 200,
        date_versement_avance=dt.date(2024, 4, 30),
    )
    for code, cat, fixed, variable, rate in (
        ("horaires", "prerequis", 800, 0, 1),
        ("fonction_coordination", "prerequis", 1000, 1700, 1),
        ("si_niveau_standard", "prerequis", 500, 0, 1),
        ("concertation", "socle", 0, 1000, Decimal("0.8")),
        ("sas", "optionnel", 200, 0, 1),
    ):
        MspCriterion.objects.create(
            exercice=ex,
            code=code,
            libelle=code.replace("_", " "),
            categorie=cat,
            points_fixes=fixed,
            points_variables=variable,
            taux_atteinte=rate,
        )
    Payment.objects.create(
        contrat=contract,
        date=dt.date(2024, 5, 2),
        montant=Decimal(20000),
        composante="avance",
        reference="DEMO",
    )
