"""Line-by-line reader of ``Personne_activite``: one :class:`Activity` record per line.

Exact about line numbers, it is the reference reader (10 s for the national file) and the
one that names the faulty line when the pyarrow reader rejects a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..archives import ArchiveLimits
from ..bytelines import iter_decoded_lines
from ..errors import SourceError
from ..professions import ProfessionTable, load_profession_table
from .header import (
    SEPARATOR,
    OnError,
    ParseReport,
    RawFields,
    open_activity_file,
    parse_header,
    width_error,
)

#: Municipal arrondissements of Paris, Lyon and Marseille and their parent commune.
PLM_PARENTS = {"75": "75056", "69": "69123", "13": "13055"}


def plm_parent(code_insee: str) -> str:
    """Parent commune of a Paris / Lyon / Marseille arrondissement code, else the code itself.

    751xx (75101–75120) → 75056, 6938x (69381–69389) → 69123, 132xx (13201–13216) → 13055.
    """
    if len(code_insee) == 5:
        if code_insee.startswith("751") and "01" <= code_insee[3:] <= "20":
            return "75056"
        if code_insee.startswith("6938") and "1" <= code_insee[4] <= "9":
            return "69123"
        if code_insee.startswith("132") and "01" <= code_insee[3:] <= "16":
            return "13055"
    return code_insee


def departement_of(code_insee: str) -> str:
    """Département code of an INSEE commune code (3 characters overseas, else 2)."""
    if not code_insee:
        return ""
    return code_insee[:3] if code_insee.startswith(("97", "98")) else code_insee[:2]


@dataclass(frozen=True, slots=True)
class Activity:
    """One line of ``Personne_activite``: an activity (or savoir-faire) of a professional.

    ``code_commune`` is the commune of the structure, falling back on the postcode table when
    the file leaves it empty; ``origine_commune`` says which (``"commune"``,
    ``"code_postal"`` or ``""`` when unknown). ``departement`` is the file's value, else
    derived from ``code_commune``. ``categorie`` comes from the profession table.
    """

    line: int
    type_identifiant: str
    identifiant: str
    identifiant_national: str
    nom: str
    prenom: str
    code_profession: str
    libelle_profession: str
    code_categorie_professionnelle: str
    type_savoir_faire: str
    code_savoir_faire: str
    libelle_savoir_faire: str
    mode_exercice: str
    siret: str
    finess_site: str
    raison_sociale: str
    code_postal: str
    code_commune: str
    origine_commune: str
    departement: str
    secteur_activite: str
    categorie: str
    specificite: int


@dataclass(slots=True)
class Professional:
    """A professional (one ``Identification nationale PP``) with all their activity lines.

    ``categorie`` is the category of their most specifically matched line (a listed
    savoir-faire beats "no savoir-faire", which beats the profession default); ties go to the
    first line of the file.
    """

    identifiant_national: str
    type_identifiant: str
    nom: str
    prenom: str
    code_profession: str
    libelle_profession: str
    categorie: str
    activites: list[Activity] = field(default_factory=list)


#: The first fields of :class:`Activity` are copied as read, in the order of
#: :class:`RawFields` (positional construction: keywords cost a quarter of the reading time).
_COPIED = RawFields._fields.index("code_postal") + 1
assert list(Activity.__dataclass_fields__)[1 : _COPIED + 1] == list(RawFields._fields[:_COPIED])


def iter_activities(
    path: str | Path,
    *,
    postcode_to_commune: Mapping[str, str] | None = None,
    merge_plm: bool = False,
    table: ProfessionTable | None = None,
    on_error: OnError = "raise",
    report: ParseReport | None = None,
    limits: ArchiveLimits | None = None,
) -> Iterator[Activity]:
    """Yield the activity lines of a ``Personne_activite`` file, one record per line.

    Parameters
    ----------
    path : str or Path
        The ``PS_LibreAcces`` zip or the plain ``Personne_activite`` text file.
    postcode_to_commune : mapping, optional
        ``{code postal: code INSEE}`` used when ``Code commune (coord. structure)`` is empty.
        Give only unambiguous postcodes; without it such lines get ``code_commune == ""``.
    merge_plm : bool
        Map Paris, Lyon and Marseille arrondissements to 75056, 69123 and 13055.
    table : ProfessionTable, optional
        Category table (default: the bundled ``professions.yaml``).
    on_error : {"raise", "skip"}
        ``"raise"`` (default, for atomic imports) stops at the first line with a wrong number
        of fields; ``"skip"`` leaves it out and appends the error to ``report.skipped``.
        Header problems and undecodable bytes always raise.
    report : ParseReport, optional
        Receives line counts and skipped lines.
    limits : ArchiveLimits, optional
        How far the zip may expand (default: :class:`ArchiveLimits`).

    Raises
    ------
    SourceError
        Missing file, no activity member in the zip, a zip expanding beyond ``limits``
        (refused before reading when declared, stopped while reading otherwise), wrong
        separator, missing required column,
        undecodable byte (with its line), or a line with the wrong number of fields (with its
        line) when ``on_error == "raise"``.
    """
    table = table or load_profession_table()
    report = report if report is not None else ParseReport()
    resolve = commune_resolver(postcode_to_commune, merge_plm)
    with open_activity_file(Path(path), limits) as (binary, where):
        lines = iter_decoded_lines(where, binary)
        header = None
        for number, line in lines:
            if number == 1:
                header = parse_header(where, line)
                read = header.reader()
                continue
            if not line:
                continue
            report.lines += 1
            fields = line.split(SEPARATOR)
            if len(fields) != header.width:
                error = width_error(where, number, header.width, len(fields), line)
                if on_error == "raise":
                    raise error
                report.skipped.append(error)
                continue
            raw = read(fields)
            commune, origin = resolve(raw.code_commune_structure, raw.code_postal)
            category, specificity = table.classify(raw.code_profession, raw.code_savoir_faire)
            report.records += 1
            yield Activity(
                number,
                *raw[:_COPIED],
                commune,
                origin,
                raw.departement or departement_of(commune),
                raw.secteur_activite,
                category,
                specificity,
            )
        if header is None:
            raise SourceError(where, "fichier vide : en-tête RPPS absent", line=1)


def commune_resolver(
    postcode_to_commune: Mapping[str, str] | None, merge_plm: bool
) -> Callable[[str, str], tuple[str, str]]:
    """``(code commune, code postal) → (commune, origin)`` with the postcode fallback."""
    postcodes = postcode_to_commune or {}

    def resolve(code_commune: str, code_postal: str) -> tuple[str, str]:
        if code_commune:
            origin = "commune"
        else:
            code_commune = postcodes.get(code_postal, "") if code_postal else ""
            origin = "code_postal" if code_commune else ""
        if merge_plm and code_commune:
            code_commune = plm_parent(code_commune)
        return code_commune, origin

    return resolve


def aggregate_professionals(activities: Iterable[Activity]) -> dict[str, Professional]:
    """Group activity lines by ``Identification nationale PP``.

    Keeps every line in :attr:`Professional.activites`; meant for a filtered stream (one
    département, one profession). For national counts use
    :func:`~maillage.engine.sources.rpps.count_professionals`, which holds only a few
    columns in memory.
    """
    professionals: dict[str, Professional] = {}
    best: dict[str, int] = {}
    for activity in activities:
        key = activity.identifiant_national
        professional = professionals.get(key)
        if professional is None:
            professional = professionals[key] = Professional(
                key,
                activity.type_identifiant,
                activity.nom,
                activity.prenom,
                activity.code_profession,
                activity.libelle_profession,
                activity.categorie,
            )
            best[key] = activity.specificite
        elif activity.specificite > best[key]:
            professional.categorie = activity.categorie
            best[key] = activity.specificite
        professional.activites.append(activity)
    return professionals
