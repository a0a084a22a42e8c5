"""Outreach services: contract terms from dated parameters, targets, installation pathway,
retention, GDPR export / erasure and the CSV import of contacts."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.rules import aids
from maillage.engine.rules.common import add_months
from maillage.engine.sources.errors import SourceError
from maillage.web.accounts.models import AuditEntry
from maillage.web.accounts.roles import Role
from maillage.web.outreach import privacy, services
from maillage.web.outreach.contracts import ContractRuleError, build_terms
from maillage.web.outreach.exports import records_csv
from maillage.web.outreach.importers import import_contacts
from maillage.web.outreach.models import (
    Campaign,
    Contact,
    Contract,
    FollowUp,
    Installation,
    Milestone,
)

from .factories import make_user, professional, rpps_import

D = Decimal


def test_caim_terms_follow_the_2016_convention():
    terms = build_terms("caim", dt.date(2024, 3, 1), {"jours": 4, "hopital_proximite": True})
    assert terms.montant_total == D("52500.00")  # 50 000 + 2 500
    assert [e[2] for e in terms.echeances] == [D("26250.00"), D("26250.00")]
    assert terms.echeances[1][1] == dt.date(2025, 3, 1)
    assert terms.date_fin == dt.date(2029, 3, 1)  # 5-year commitment
    assert all(r["statut"] in ("verifie", "non_verifie") for r in terms.regles)
    assert {r["nom"] for r in terms.regles} >= {"aides.medecins.caim.montant"}
    # 3.2 days a week: the 3-day step (37 500 €).
    assert build_terms("caim", dt.date(2024, 3, 1), {"jours": 3.2}).montant_total == D("37500.00")


def test_2016_contracts_closed_from_2026_and_new_aids_open():
    with pytest.raises(ContractRuleError, match="aucune règle en vigueur"):
        build_terms("caim", dt.date(2026, 2, 1), {"jours": 4})
    with pytest.raises(ContractRuleError):
        build_terms("installation_2026", dt.date(2025, 6, 1), {"zone": "ZIP"})
    assert build_terms(
        "installation_2026", dt.date(2026, 2, 1), {"zone": "ZAC"}
    ).montant_total == D("5000.00")


def test_cotram_capped_and_coscom_with_student():
    cotram = build_terms(
        "cotram", dt.date(2024, 1, 1), {"annees": 2, "honoraires_annuels": "300000"}
    )
    assert cotram.echeances[0][2] == D("20000.00")  # 10 % capped at 20 000 € a year
    coscom = build_terms("coscom", dt.date(2024, 1, 1), {"annees": 3, "stagiaire_mois": 12})
    assert coscom.montant_total == D("3") * (D("5000") + D("300") * 12)


@pytest.mark.parametrize(
    ("kind", "options", "aid", "project", "zone"),
    [
        (
            "caim",
            {"jours": 3.5, "hopital_proximite": True},
            aids.caim,
            {"days_per_week": 3.5, "hospital_proximity": True},
            "ZIP",
        ),
        (
            "coscom",
            {"annees": 2, "stagiaire_mois": 4},
            aids.coscom,
            {"hosts_student": True, "student_months": 4},
            "ZIP",
        ),
        (
            "cotram",
            {"annees": 2, "honoraires_annuels": "150000"},
            aids.cotram,
            {"hosts_newcomer": True, "fees": D(150000)},
            "ZIP",
        ),
        (
            "cstm",
            {"annees": 1, "honoraires_annuels": "40000"},
            aids.cstm,
            {"secondary_practice": True, "fees_in_zone": D(40000)},
            "ZIP",
        ),
        (
            "infirmier",
            {"cle": "autre_installation"},
            aids.nurse_installation,
            {},
            "tres_sous_dotee",
        ),
        (
            "kine",
            {"cle": "adhesion_cabinet"},
            aids.physiotherapist_installation,
            {"joins_existing_practice": True},
            "tres_sous_dotee",
        ),
    ],
)
def test_contract_terms_are_the_engine_aid(kind, options, aid, project, zone):
    """One computation: the contract recorded by the CPAM is the simulator's aid (same amount,
    same parameters); the contract only dates the payments."""
    day = dt.date(2025, 3, 3)
    engine = aid(zone, aids.Project(**project), aids.AidRules(day))
    terms = build_terms(kind, day, options)
    years = int(options.get("annees") or 1)
    expected = engine.amount * years if engine.yearly else engine.amount
    assert terms.montant_total == expected
    assert [r["nom"] for r in terms.regles] == [u.name for u in engine.used]


def test_contract_in_a_zone_the_aid_excludes_is_refused():
    with pytest.raises(ContractRuleError, match="réservé aux ZIP"):
        build_terms("caim", dt.date(2024, 3, 1), {"jours": 4, "zone": "ZAC"})
    with pytest.raises(ContractRuleError, match="réservée à l'exercice en zone très sous-dotée"):
        build_terms("infirmier", dt.date(2024, 3, 1), {"zone": "ZIP"})
    # Zones are read as users write them.
    assert build_terms("caim", dt.date(2024, 3, 1), {"jours": 4, "zone": "zip"}).montant_total
    assert build_terms("kine", dt.date(2025, 3, 1), {"zone": "Très sous-dotée"}).montant_total == D(
        "49000.00"
    )


@settings(max_examples=25, deadline=None)
@given(
    kind=st.sampled_from(["infirmier", "kine", "assistant_medical", "coscom", "caim"]),
    day=st.dates(min_value=dt.date(2020, 2, 1), max_value=dt.date(2025, 12, 31)),
    years=st.integers(1, 6),
    amount=st.integers(1000, 90000),
)
def test_schedule_always_sums_to_the_total(kind, day, years, amount):
    try:
        terms = build_terms(kind, day, {"annees": years, "montant": str(amount), "jours": 4})
    except ContractRuleError:
        return  # no rule in force at that date for that kind (checked elsewhere)
    assert sum(e[2] for e in terms.echeances) == terms.montant_total
    assert all(e[1] >= day for e in terms.echeances)


def test_targets_by_category_commune_and_liberal(demo_territory):
    gp = professional("medecin_generaliste", "00001")
    professional("infirmier", "00001")
    professional("medecin_generaliste", "00002")
    inactive = professional("medecin_generaliste", "00001", actif=False)
    targets = services.target_professionals("00", ["medecin_generaliste"], commune_code="00001")
    assert list(targets) == [gp]
    assert inactive not in services.target_professionals("00", ["medecin_generaliste"])
    campaign = Campaign.objects.create(
        theme="t",
        portee="locale",
        departement_id="00",
        debut=dt.date(2024, 1, 1),
        fin=dt.date(2024, 12, 31),
    )
    assert (
        services.set_targets(campaign, services.target_professionals("00", ["medecin_generaliste"]))
        == 2
    )
    Contact.objects.create(
        professional=gp,
        departement_id="00",
        canal="visite",
        date=dt.date(2024, 2, 1),
        campagne=campaign,
        equipe="DAM",
    )
    assert services.campaign_progress([campaign]) == {campaign.pk: (1, 2)}


def test_target_by_indicator_threshold(demo_territory):
    from maillage.web.supply.models import IndicatorDefinition, IndicatorValue

    definition = IndicatorDefinition.objects.create(
        code="diab", libelle="diabétiques", unite="%", facteur=100, numerateur="n", source="test"
    )
    IndicatorValue.objects.create(
        indicator=definition, commune_id="00001", annee=2024, numerateur=30, denominateur=100
    )
    IndicatorValue.objects.create(
        indicator=definition, commune_id="00002", annee=2024, numerateur=5, denominateur=100
    )
    high = professional("medecin_generaliste", "00001")
    professional("medecin_generaliste", "00002")
    targets = services.target_professionals(
        "00", ["medecin_generaliste"], indicator="diab", indicator_year=2024, threshold=20
    )
    assert list(targets) == [high]


def test_installations_detected_between_two_rpps_imports(demo_territory):
    old, new = rpps_import(dt.date(2024, 6, 1)), rpps_import(dt.date(2024, 12, 1))
    professional("infirmier", first=old, last=new)
    newcomer = professional("infirmier", first=new, last=new)
    assert services.detect_installations("00") == 1
    assert services.detect_installations("00") == 0  # idempotent
    installation = Installation.objects.get()
    assert installation.professional == newcomer and installation.source == "detectee"
    assert installation.date_installation == dt.date(2024, 12, 1)
    due = dict(installation.jalons.values_list("kind", "echeance"))
    assert due == {
        "rdv_installation": dt.date(2025, 1, 1),
        "suivi_6_mois": dt.date(2025, 6, 1),
        "suivi_1_an": dt.date(2025, 12, 1),
    }


def test_single_import_reveals_nobody(demo_territory):
    only = rpps_import(dt.date(2024, 6, 1))
    professional("infirmier", first=only, last=only)
    assert services.detect_installations() == 0


def test_milestone_delays_configurable(demo_territory, settings):
    settings.MAILLAGE_JALONS_INSTALLATION_MOIS = {"rdv_installation": 2}
    inst, _ = services.create_installation(professional("infirmier"), "00", dt.date(2024, 1, 31))
    assert inst.jalons.get(kind="rdv_installation").echeance == dt.date(2024, 3, 31)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_overdue_alerts_scoped(demo_territory):
    agent = make_user(Role.AGENT_CPAM)
    inst, _ = services.create_installation(professional("infirmier"), "00", dt.date(2024, 1, 1))
    overdue = services.overdue_milestones(agent, today=dt.date(2024, 7, 15))
    assert {m.kind for m in overdue} == {"rdv_installation", "suivi_6_mois"}
    other = make_user(Role.AGENT_CPAM, "other", departements=())
    assert not services.overdue_milestones(other, today=dt.date(2024, 7, 15)).exists()
    Milestone.objects.filter(installation=inst).update(realise_le=dt.date(2024, 2, 1))
    assert not services.overdue_milestones(agent, today=dt.date(2024, 7, 15)).exists()


def test_purge_respects_retention(demo_territory, settings):
    settings.MAILLAGE_CONTACTS_RETENTION_YEARS = 2
    p = professional()
    old = Contact.objects.create(
        professional=p,
        departement_id="00",
        canal="visite",
        date=dt.date(2020, 1, 1),
        equipe="DAM",
        sujet="x",
    )
    FollowUp.objects.create(contact=old, libelle="x", echeance=dt.date(2020, 2, 1))
    Contact.objects.create(
        professional=p,
        departement_id="00",
        canal="visite",
        date=dt.date(2025, 6, 1),
        equipe="DAM",
        sujet="y",
    )
    counts = privacy.purge_expired(today=dt.date(2026, 1, 1), dry_run=True)
    assert counts["contacts"] == 1 and counts["suites"] == 1 and Contact.objects.count() == 2
    privacy.purge_expired(today=dt.date(2026, 1, 1))
    assert list(Contact.objects.values_list("sujet", flat=True)) == ["y"]
    assert not FollowUp.objects.exists()


def test_gdpr_export_and_erase(demo_territory):
    admin = make_user(Role.ADMINISTRATEUR)
    p = professional()
    Contact.objects.create(
        professional=p,
        departement_id="00",
        canal="visite",
        date=dt.date(2025, 6, 1),
        equipe="DAM",
        sujet="y",
        commentaire="note",
    )
    services.create_installation(p, "00", dt.date(2025, 1, 1))
    services.create_contract(p, "00", "caim", dt.date(2024, 3, 1), {"jours": 4})
    records = services.professional_records(p)
    assert records["contacts"][0]["commentaire"] == "note" and len(records["jalons"]) == 3
    assert "contacts;commentaire;note;1" in records_csv(records).decode("utf-8-sig")
    json.dumps(records)
    counts = privacy.erase_professional_records(p, admin)
    assert counts["contacts"] == 1 and counts["contrats_conserves"] == 1
    assert not Contact.objects.exists() and not Installation.objects.exists()
    assert Contract.objects.count() == 1
    entry = AuditEntry.objects.get(action="effacement")
    assert "RGPD" in entry.comment and entry.user == admin


def test_csv_import_atomic_idempotent_with_line_errors(demo_territory, tmp_path):
    p = professional()
    make_user(Role.AGENT_CPAM, "dam1")
    good = tmp_path / "contacts.csv"
    good.write_text(
        "rpps;date;canal;equipe;auteur;sujet\n"
        f"{p.identifiant_national};2025-03-01;visite;DAM;dam1;Metformine\n"
        f"{p.identifiant_national};02/03/2025;telephone;CIS;;e-CPS\n",
        encoding="utf-8",
    )
    report = import_contacts(good, dry_run=True)
    assert report.total("créés") == 2 and not Contact.objects.exists()
    assert import_contacts(good).total("créés") == 2
    history = Contact.history.model.objects.all()
    assert history.count() == 2 and {h.history_change_reason for h in history} == {
        "import du fichier contacts.csv"
    }
    again = import_contacts(good)
    assert again.total("créés") == 0 and again.total("inchangés") == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "rpps;date;canal;equipe\n"
        f"{p.identifiant_national};2025-03-05;visite;DAM\n"
        f"{p.identifiant_national};2025-03-06;pigeon;DAM\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as error:
        import_contacts(bad)
    assert error.value.line == 3 and error.value.column == "canal"
    assert "ligne 3" in str(error.value) and "pigeon" in str(error.value)
    assert Contact.objects.count() == 2  # nothing of the bad file written
    missing = tmp_path / "missing.csv"
    missing.write_text("rpps;date\n1;2025-01-01\n", encoding="utf-8")
    with pytest.raises(SourceError, match="colonne « canal » : colonne obligatoire absente"):
        import_contacts(missing)
