"""``maillage aides``: installation aids a professional can get in a zone at a date."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import click

from maillage.engine.rules.aids import Project, simulate_aids
from maillage.engine.rules.common import format_money
from maillage.engine.vocabulary import PROFESSION_LABELS, normalize_profession


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("date attendue AAAA-MM-JJ") from None


@click.command(name="aides")
@click.option("--zone", help="Zone : ZIP, ZAC, hors_zonage, tres_sous_dotee…")
@click.option(
    "--commune",
    help="Code INSEE : la zone vient du zonage officiel importé, sinon du zonage simulé "
    "(la sortie dit lequel). Exclusif de --zone.",
)
@click.option(
    "--profession",
    required=True,
    help="Profession : " + ", ".join(PROFESSION_LABELS) + ".",
)
@click.option("--date", "at", callback=_parse_date, help="Date de la simulation (AAAA-MM-JJ).")
@click.option("--premiere-installation", is_flag=True, help="Première installation en libéral.")
@click.option("--sans-installation", is_flag=True, help="Déjà installé dans la zone.")
@click.option("--jours-par-semaine", type=click.FloatRange(0, 7, min_open=True))
@click.option("--cabinet-secondaire", is_flag=True, help="Cabinet secondaire dans la zone.")
@click.option("--exercice-groupe", is_flag=True, help="Exercice en groupe.")
@click.option("--rejoint-cabinet", is_flag=True, help="Rejoint un cabinet existant.")
@click.option("--age", type=click.IntRange(18, 100))
@click.option("--accueil-stagiaire", is_flag=True, help="Accueille un étudiant stagiaire.")
@click.option("--mois-stagiaire", type=click.IntRange(0, 12), help="Mois d'accueil (défaut 12).")
@click.option("--accueil-nouveau-medecin", is_flag=True, help="Accueille un nouveau médecin.")
@click.option("--hopital-proximite", is_flag=True, help="Activité en hôpital de proximité.")
@click.option("--qpv", is_flag=True, help="Quartier prioritaire de la politique de la ville.")
@click.option("--zfu-te", is_flag=True, help="Zone franche urbaine – territoire entrepreneur.")
@click.option("--honoraires", type=click.FloatRange(0), help="Honoraires annuels (€).")
@click.option("--honoraires-zone", type=click.FloatRange(0), help="Honoraires perçus en ZIP (€).")
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON.")
def command(
    zone: str | None,
    commune: str | None,
    profession: str,
    at: dt.date,
    premiere_installation: bool,
    sans_installation: bool,
    jours_par_semaine: float | None,
    cabinet_secondaire: bool,
    exercice_groupe: bool,
    rejoint_cabinet: bool,
    age: int | None,
    accueil_stagiaire: bool,
    mois_stagiaire: int | None,
    accueil_nouveau_medecin: bool,
    hopital_proximite: bool,
    qpv: bool,
    zfu_te: bool,
    honoraires: float | None,
    honoraires_zone: float | None,
    as_json: bool,
) -> None:
    """Aides à l'installation et au maintien auxquelles un professionnel peut prétendre."""
    if premiere_installation and sans_installation:
        raise click.UsageError(
            "--premiere-installation et --sans-installation sont incompatibles : un "
            "professionnel déjà installé ne fait pas une première installation"
        )
    project = Project(
        first_installation=premiere_installation,
        installation=not sans_installation,
        days_per_week=jours_par_semaine,
        secondary_practice=cabinet_secondaire,
        group_practice=exercice_groupe,
        joins_existing_practice=rejoint_cabinet,
        age=age,
        hosts_student=accueil_stagiaire,
        student_months=mois_stagiaire,
        hosts_newcomer=accueil_nouveau_medecin,
        hospital_proximity=hopital_proximite,
        qpv=qpv,
        zfu_te=zfu_te,
        fees=None if honoraires is None else Decimal(str(honoraires)),
        fees_in_zone=None if honoraires_zone is None else Decimal(str(honoraires_zone)),
    )
    if (zone is None) == (commune is None):
        raise click.UsageError("indiquez soit --zone, soit --commune (un seul des deux)")
    source = None
    try:
        if commune is not None:
            source = _zone_of_commune(commune, profession, at)
            zone = source["zone"]
        result = simulate_aids(profession, zone, at, project)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        data = result.to_dict()
        if source is not None:
            data["commune"] = commune
            data["source_zone"] = source
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"Aides pour un {PROFESSION_LABELS[result.profession]} en zone {zone} au {at:%d/%m/%Y}"
    )
    if source is not None:
        click.echo(f"Commune {commune} : zone {zone} — {source['detail']}")
    if not result.aids:
        click.echo("Aucune aide connue pour ce projet.")
    for aid in result.aids:
        status = "vérifié" if aid.statut == "verifie" else "NON VÉRIFIÉ"
        amount = format_money(aid.amount) if aid.amount is not None else "—"
        click.echo("")
        click.echo(f"• {aid.label} : {amount} ({status})")
        click.echo(f"  {aid.amount_text}")
        for p in aid.payments:
            click.echo(f"  versement {p.label} : {format_money(p.amount)}")
        for condition in aid.conditions:
            click.echo(f"  condition : {condition}")
        until = f" jusqu'au {aid.valid_until:%d/%m/%Y}" if aid.valid_until else ""
        click.echo(f"  en vigueur du {aid.valid_from:%d/%m/%Y}{until}")
        if aid.not_cumulable_with:
            click.echo(f"  non cumulable avec : {', '.join(aid.not_cumulable_with)}")
        click.echo(f"  référence : {aid.reference['titre']}")
    for note in result.notes:
        click.echo("")
        click.echo(f"Remarque : {note}")
    if result.not_eligible:
        click.echo("")
        click.echo("Non éligible :")
        for row in result.not_eligible:
            click.echo(f"  {row['code']} : {row['raison']}")


def _zone_of_commune(commune: str, profession: str, at: dt.date) -> dict:
    """Zone of a commune from the database: official zoning if imported, else simulation."""
    from maillage.cli import setup_django

    setup_django()
    from maillage.web.access.services import resolve_zone
    from maillage.web.territories.models import Commune

    if not Commune.objects.filter(code=commune).exists():
        raise ValueError(f"commune {commune} absente du référentiel")
    resolved = resolve_zone(commune, normalize_profession(profession), at)
    return {"zone": resolved.zone, "nature": resolved.nature, "detail": resolved.detail}
