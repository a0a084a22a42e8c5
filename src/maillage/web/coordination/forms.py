"""Forms of the coordination pages (labels in French; validation of ceilings and overrides)."""

from __future__ import annotations

import json

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from maillage.web import request_params as bounds

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

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BoundedForm(forms.ModelForm):
    """Every date of the form within the documented years (settings.MAILLAGE_YEARS), with a
    French message, so that « 1800 » or « 9999 » never reaches the engine."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.validators.append(bounds.DATE.validator)


class EventForm(BoundedForm):
    document = forms.FileField(
        label="Document joint (facultatif : PDF, ODT, DOCX, XLSX, PNG, JPEG ; 10 Mo au plus)",
        required=False,
    )
    titre_document = forms.CharField(label="Titre du document", required=False, max_length=200)

    class Meta:
        model = Event
        fields = ["kind", "date", "commentaire"]
        widgets = {"date": DATE, "commentaire": forms.Textarea(attrs={"rows": 2})}

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            from .models import validate_document

            validate_document(upload)
        return upload


class DossierForm(BoundedForm):
    """Staff link coordinators (users with the COORDINATEUR role) to the structure."""

    class Meta:
        model = Dossier
        fields = [
            "coordinateurs",
            "sisa",
            "sisa_date",
            "patientele_mt",
            "accord_cds",
            "population_override",
            "population_override_motif",
            "notes",
        ]
        widgets = {"sisa_date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from maillage.web.accounts.models import User
        from maillage.web.accounts.roles import Role

        self.fields["coordinateurs"].queryset = User.objects.filter(
            groups__name=Role.COORDINATEUR.value
        ).order_by("username")
        self.fields["coordinateurs"].required = False


class MemberForm(BoundedForm):
    """A member, optionally linked to the RPPS referential by its national identifier (the
    profession category then comes from the referential).

    Only professionals practising in the structure's territory (the départements of its seat
    and of its perimeter) can be linked, and any other number is answered exactly like an
    unknown one: the form fills in the name, so it must not become a directory lookup of the
    whole country for whoever may add members.
    """

    UNKNOWN_RPPS = "Identifiant absent du référentiel des professionnels de ce territoire."

    rpps = forms.CharField(
        label="Identifiant national RPPS / ADELI (facultatif)", required=False, max_length=12
    )

    class Meta:
        model = Member
        fields = ["nom", "categorie", "associe", "date_entree", "date_sortie"]
        widgets = {"date_entree": DATE, "date_sortie": DATE}

    def __init__(self, *args, dossier: Dossier | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].required = False
        self.dossier = dossier

    def _territory(self) -> set[str]:
        structure = self.dossier.structure
        codes = set(structure.communes.values_list("departement_id", flat=True))
        if structure.commune_id:
            codes.add(structure.commune.departement_id)
        return codes

    def clean(self):
        from maillage.web.supply.models import Professional

        data = super().clean()
        rpps = (data.get("rpps") or "").strip()
        if rpps:
            territory = self._territory() if self.dossier is not None else set()
            professional = (
                Professional.objects.filter(
                    identifiant_national=rpps, activites__commune__departement_id__in=territory
                )
                .distinct()
                .first()
            )
            if professional is None:
                self.add_error("rpps", self.UNKNOWN_RPPS)
                return data
            self.instance.professional = professional
            data["categorie"] = professional.categorie
            self.instance.categorie = professional.categorie
            if not data.get("nom"):
                data["nom"] = f"{professional.prenom} {professional.nom}".strip()
                self.instance.nom = data["nom"]
        elif not data.get("categorie"):
            self.add_error("categorie", "Indiquer la profession ou l'identifiant RPPS.")
        return data


class ContractForm(BoundedForm):
    class Meta:
        model = Contract
        fields = [
            "kind",
            "date_signature",
            "taille_override",
            "taille_override_motif",
            "fonctionnement_override",
            "fonctionnement_override_motif",
            "commentaire",
        ]
        widgets = {"date_signature": DATE, "commentaire": forms.Textarea(attrs={"rows": 2})}


class MissionForm(BoundedForm):
    """Amounts default to the national figures; departing from them needs a reason, and
    exceeding the national total of the mission is refused unless a reason is given."""

    class Meta:
        model = Mission
        fields = [
            "code",
            "part_fixe",
            "part_variable",
            "montants_motif",
            "date_demarrage",
            "date_deploiement",
            "delai_demarrage_mois",
            "delai_deploiement_mois",
        ]
        widgets = {"date_demarrage": DATE, "date_deploiement": DATE}

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.defaults = None

    def clean(self):
        from . import services

        data = super().clean()
        code = data.get("code")
        if not code or data.get("part_fixe") is None:
            return data
        if self.contract.missions.filter(code=code).exclude(pk=self.instance.pk).exists():
            self.add_error("code", "Cette mission figure déjà au contrat.")
            return data
        if self.contract.kind != Contract.Kind.CPTS:
            self.add_error("code", "Les missions ne concernent que les contrats CPTS.")
            return data
        size = services.contract_size(self.contract)
        self.defaults = services.mission_defaults(code, size, self.contract.date_signature)
        total = data["part_fixe"] + (data.get("part_variable") or 0)
        reason = (data.get("montants_motif") or "").strip()
        national = self.defaults["total"]
        if national is not None and total > national and not reason:
            self.add_error(
                "montants_motif",
                f"Montant total ({total} €) supérieur au montant national de la mission pour la "
                f"taille {size} ({national} €) : indiquer le motif de ce dépassement.",
            )
        elif (
            self.defaults["part_fixe"] is not None
            and (data["part_fixe"], data.get("part_variable") or 0)
            != (self.defaults["part_fixe"], self.defaults["part_variable"])
            and not reason
        ):
            self.add_error(
                "montants_motif",
                "Les montants diffèrent des valeurs nationales par défaut "
                f"({self.defaults['part_fixe']} € fixe, {self.defaults['part_variable']} € "
                "variable) : indiquer le motif.",
            )
        return data


class IndicatorForm(BoundedForm):
    objectifs_annuels = forms.CharField(
        label='Objectifs annuels (JSON, ex. {"1": 300, "2": 600})', required=False
    )
    paliers = forms.CharField(
        label='Paliers intermédiaires (JSON, ex. [{"valeur": 400, "taux": 0.5}])', required=False
    )

    class Meta:
        model = Indicator
        fields = ["code", "libelle", "poids", "valeur_initiale", "objectif", "mode"]

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        if self.instance.pk:
            self.initial["objectifs_annuels"] = json.dumps(self.instance.objectifs_annuels)
            self.initial["paliers"] = json.dumps(self.instance.paliers)

    def _json(self, name, kind):
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return kind()
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"JSON invalide ({exc.msg}).") from exc
        if not isinstance(value, kind):
            raise forms.ValidationError("Format inattendu.")
        return value

    def clean_objectifs_annuels(self):
        return self._json("objectifs_annuels", dict)

    def clean_paliers(self):
        return self._json("paliers", list)

    def clean(self):
        from decimal import Decimal

        from maillage.engine.rules.contract import ContractError, parse_indicator

        data = super().clean()
        if self.errors:
            return data
        others = sum(
            (i.poids for i in self.mission.indicateurs.exclude(pk=self.instance.pk)), Decimal(0)
        )
        if others + data["poids"] > 1:
            self.add_error(
                "poids",
                f"La somme des poids de la mission dépasserait 1 ({others + data['poids']}).",
            )
            return data
        raw = {
            "code": data["code"],
            "poids": str(data["poids"]),
            "valeur_initiale": str(data["valeur_initiale"]),
            "objectif": str(data["objectif"]),
            "mode": data["mode"],
            "objectifs": data["objectifs_annuels"],
            "paliers": data["paliers"],
        }
        try:
            parse_indicator(raw, "indicateur")  # same checks as the engine
        except ContractError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def save(self, commit=True):
        self.instance.objectifs_annuels = self.cleaned_data["objectifs_annuels"]
        self.instance.paliers = self.cleaned_data["paliers"]
        return super().save(commit)


class ContractYearMixin:
    """``annee_contrat`` within the contract's years (1 … duration of the contract) and dates
    within the documented years, with French messages."""

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        from . import services

        self.contract = contract
        self.years = services.contract_years(contract)
        if "annee_contrat" in self.fields:
            field = self.fields["annee_contrat"]
            field.widget.attrs.update({"min": 1, "max": self.years})
            field.help_text = f"de 1 à {self.years} (durée du contrat)"

    def clean_annee_contrat(self):
        year = self.cleaned_data.get("annee_contrat")
        if year is not None and not 1 <= year <= self.years:
            raise forms.ValidationError(
                f"Année de contrat hors du contrat : attendu un nombre de 1 à {self.years} "
                f"(le contrat dure {self.years} ans)."
            )
        return year


class ResultForm(ContractYearMixin, BoundedForm):
    class Meta:
        model = Result
        fields = ["indicateur", "annee_contrat", "valeur"]

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, contract=contract, **kwargs)
        self.fields["indicateur"].queryset = Indicator.objects.filter(mission__contrat=contract)

    def clean(self):
        data = super().clean()
        # A result of a year already entered is replaced (``results.enter_result`` decides who
        # may), not refused as a duplicate: the form checks the stored result, not a new one.
        if data.get("indicateur") and data.get("annee_contrat"):
            existing = Result.objects.filter(
                indicateur=data["indicateur"], annee_contrat=data["annee_contrat"]
            ).first()
            if existing is not None:
                self.instance = existing
        return data

    def clean_valeur(self):
        value = self.cleaned_data.get("valeur")
        if value is not None and value < 0:
            raise forms.ValidationError("Un résultat est un nombre positif ou nul.")
        return value


class DialogueForm(ContractYearMixin, BoundedForm):
    class Meta:
        model = Dialogue
        fields = ["annee_contrat", "date", "participants", "compte_rendu"]
        labels = {"compte_rendu": "Conclusions (compte rendu)"}
        widgets = {
            "date": DATE,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "compte_rendu": forms.Textarea(attrs={"rows": 3}),
        }


class PaymentForm(ContractYearMixin, BoundedForm):
    # French amounts: « 1234,56 » as well as « 1234.56 ».
    montant = forms.DecimalField(
        label="Montant (€)",
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    class Meta:
        model = Payment
        fields = ["date", "montant", "composante", "mission", "annee_contrat", "reference"]
        widgets = {"date": DATE}

    def clean_montant(self):
        amount = self.cleaned_data.get("montant")
        if amount is not None and amount <= 0:
            raise forms.ValidationError(
                "Le montant d'un paiement est positif (au moins 0,01 €) ; pour corriger un "
                "paiement, supprimez-le puis saisissez le bon montant."
            )
        return amount


class ExerciseForm(BoundedForm):
    class Meta:
        model = MspExercise
        fields = ["annee", "patientele", "patientele_avance", "date_versement_avance"]
        widgets = {"date_versement_avance": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].validators += [
            MinValueValidator(bounds.YEAR.minimum),
            MaxValueValidator(bounds.YEAR.maximum),
        ]


class CriterionForm(BoundedForm):
    class Meta:
        model = MspCriterion
        fields = [
            "exercice",
            "code",
            "libelle",
            "categorie",
            "points_fixes",
            "points_variables",
            "taux_atteinte",
        ]

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exercice"].queryset = MspExercise.objects.filter(contrat=contract)
