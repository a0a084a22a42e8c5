"""Import of contacts recorded elsewhere (CSV): the whole file is checked before any write.

Columns (header required, ``;``, ``,`` or tabulation): ``rpps``, ``date`` (AAAA-MM-JJ or
JJ/MM/AAAA), ``canal``, ``equipe``, and optionally ``auteur`` (identifiant), ``campagne``
(numéro), ``sujet``, ``resultat``, ``commentaire``. UTF-8, Windows-1252 or UTF-16 with a
byte-order mark, read through :mod:`maillage.engine.sources.textinput`. One line = one
contact; the same line imported twice is recognised (natural key) and left unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from simple_history.utils import bulk_create_with_history

from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.tabular import read_delimited
from maillage.engine.sources.textinput import SPREADSHEET
from maillage.web.accounts.models import User
from maillage.web.imports import ImportReport, atomic_import
from maillage.web.supply.models import Professional

from .models import Campaign, Channel, Contact, Team
from .privacy import retention_limit, retention_years
from .services import departement_of

REQUIRED = ("rpps", "date", "canal", "equipe")
OPTIONAL = ("auteur", "campagne", "sujet", "resultat", "commentaire")


def _parse_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_contacts(path: Path) -> list[dict]:
    """Rows of the file, validated against the referential (raises SourceError)."""
    reader = read_delimited(
        path,
        {name: (name,) for name in REQUIRED},
        {name: (name,) for name in OPTIONAL},
        delimiters=(";", ",", "\t"),
        text_format=SPREADSHEET,
        description="(rpps;date;canal;equipe…)",
    )
    professionals = {}
    users = {u.username: u.pk for u in User.objects.only("username")}
    campaigns = set(Campaign.objects.values_list("pk", flat=True))
    rows = []
    oldest = retention_limit()
    for record in reader:
        line, row = record.line, {k: v.strip() for k, v in record.values.items()}

        def fail(column, message, expected, found=None, line=line, row=row):
            raise SourceError(path, message, line, column, expected, row.get(column, found))

        rpps = row["rpps"]
        if rpps not in professionals:
            professionals[rpps] = Professional.objects.filter(identifiant_national=rpps).first()
        professional = professionals[rpps]
        if professional is None:
            fail("rpps", "professionnel inconnu du référentiel", "un identifiant RPPS importé")
        try:
            day = _parse_date(row["date"])
        except ValueError:
            fail("date", "date invalide", "AAAA-MM-JJ ou JJ/MM/AAAA")
        if day < oldest:
            fail(
                "date",
                f"contact antérieur à la durée de conservation ({retention_years()} ans)",
                f"une date à partir du {oldest:%d/%m/%Y}",
            )
        if row["canal"] not in Channel.values:
            fail("canal", "canal inconnu", " | ".join(Channel.values))
        if row["equipe"] not in Team.values:
            fail("equipe", "équipe inconnue", " | ".join(Team.values))
        author = row.get("auteur", "")
        if author and author not in users:
            fail("auteur", "utilisateur inconnu", "un identifiant de compte maillage")
        campaign = row.get("campagne", "")
        if campaign and (not campaign.isdigit() or int(campaign) not in campaigns):
            fail("campagne", "campagne inconnue", "le numéro d'une campagne existante")
        outcome = row.get("resultat") or Contact.Outcome.REALISE
        if outcome not in Contact.Outcome.values:
            fail("resultat", "résultat inconnu", " | ".join(Contact.Outcome.values))
        departement = departement_of(professional)
        if departement is None:
            fail("rpps", "aucun lieu d'exercice connu pour ce professionnel", "un lieu d'exercice")
        key_text = "|".join(
            [
                rpps,
                day.isoformat(),
                row["canal"],
                row["equipe"],
                author,
                campaign,
                row.get("sujet", ""),
            ]
        )
        rows.append(
            {
                "professional": professional,
                "departement_id": departement,
                "date": day,
                "canal": row["canal"],
                "equipe": row["equipe"],
                "auteur_id": users.get(author),
                "campagne_id": int(campaign) if campaign else None,
                "sujet": row.get("sujet", "")[:200],
                "resultat": outcome,
                "commentaire": row.get("commentaire", ""),
                "cle_import": hashlib.sha256(key_text.encode()).hexdigest()[:64],
            }
        )
    return rows


def import_contacts(path: Path, dry_run: bool = False, progress=None) -> ImportReport:
    rows = parse_contacts(path)
    if progress:
        progress(len(rows))
    report = ImportReport(f"Contacts avec les professionnels — {Path(path).name}", dry_run)
    known = set(
        Contact.objects.filter(cle_import__in=[r["cle_import"] for r in rows]).values_list(
            "cle_import", flat=True
        )
    )
    new = []
    for row in rows:
        if row["cle_import"] in known:
            continue
        known.add(row["cle_import"])
        new.append(Contact(**row))
    with atomic_import(report):
        # Imported contacts enter the model history like typed ones (the file is the reason).
        bulk_create_with_history(
            new, Contact, default_change_reason=f"import du fichier {Path(path).name}"[:100]
        )
        report.add("contacts", created=len(new), unchanged=len(rows) - len(new))
    return report
