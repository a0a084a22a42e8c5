from __future__ import annotations

import datetime as dt

from django import forms

from maillage.engine import vocabulary
from maillage.engine.sources.professions import load_profession_table
from maillage.web import request_params as bounds
from maillage.web.supply.models import IndicatorDefinition, Professional
from maillage.web.territories.models import Departement

from .models import Campaign, Channel, Contact, Contract, Installation, Team


def profession_choices():
    return sorted(load_profession_table().labels.items(), key=lambda item: item[1])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateField(forms.DateField):
    """A date whose year is within the documented years (settings.MAILLAGE_YEARS)."""

    widget = DateInput

    def __init__(self, **kwargs):
        super().__init__(validators=[bounds.DATE.validator], **kwargs)


def positive_amount(value):
    if value is not None and value <= 0:
        raise forms.ValidationError("Le montant doit être positif (au moins 0,01 €).")


# Sanity limits of the interface (not rules): they keep absurd input away from the queries.
MAX_THRESHOLD = 1_000_000_000
MAX_PARTICIPANTS = 100_000
MAX_AMOUNT = 10_000_000


def departement_field(departements):
    return forms.ModelChoiceField(
        queryset=departements, label="Département", empty_label=None, to_field_name="code"
    )


class CampaignForm(forms.Form):
    theme = forms.CharField(label="Thème", max_length=200)
    description = forms.CharField(label="Description", widget=forms.Textarea, required=False)
    portee = forms.ChoiceField(label="Portée", choices=Campaign.Scope.choices)
    professions = forms.MultipleChoiceField(label="Professions ciblées", choices=())
    canaux = forms.MultipleChoiceField(
        label="Canaux prévus", choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    debut = DateField(label="Début")
    fin = DateField(label="Fin")
    commune = forms.CharField(
        label="Commune (code INSEE, facultatif)",
        required=False,
        max_length=5,
        validators=[bounds.COMMUNE.validator],
    )
    liberal = forms.BooleanField(label="Exercice libéral uniquement", required=False)
    indicateur = forms.ChoiceField(label="Indicateur (facultatif)", required=False, choices=())
    annee_indicateur = forms.IntegerField(
        label="Année de l'indicateur",
        required=False,
        min_value=bounds.YEAR.minimum,
        max_value=bounds.YEAR.maximum,
    )
    seuil = forms.FloatField(
        label="Valeur minimale de l'indicateur dans la commune d'exercice",
        required=False,
        min_value=-MAX_THRESHOLD,
        max_value=MAX_THRESHOLD,
    )

    def __init__(self, *args, departements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"] = departement_field(departements)
        self.fields["professions"].choices = profession_choices()
        self.fields["indicateur"].choices = [
            ("", "—"),
            *IndicatorDefinition.objects.values_list("code", "libelle"),
        ]

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            self.add_error("fin", "La fin précède le début.")
        if data.get("indicateur") and data.get("seuil") is None:
            self.add_error("seuil", "Indiquer le seuil de l'indicateur.")
        if data.get("seuil") is not None and not data.get("indicateur"):
            self.add_error("indicateur", "Choisir l'indicateur auquel s'applique le seuil.")
        commune, departement = data.get("commune"), data.get("departement")
        if commune:
            from maillage.web.territories.models import Commune

            found = Commune.objects.filter(code=commune).first()
            if found is None:
                self.add_error("commune", f"Commune {commune} absente du référentiel des communes.")
            elif departement is not None and found.departement_id != departement.code:
                self.add_error(
                    "commune",
                    f"La commune {found.nom} ({commune}) n'est pas dans le département "
                    f"{departement.nom} choisi pour la campagne.",
                )
        return data


# One answer for "no such number" and "not in your départements": a form must not tell an
# agent whether a number exists outside their scope.
UNKNOWN_RPPS = "Aucun professionnel avec cet identifiant RPPS dans vos départements."


def professional_in_scope(value: str, user) -> tuple[Professional, str]:
    """The professional of RPPS ``value`` and the département of ``user``'s scope a record
    about them belongs to (``services.departement_for``); refused alike when unknown."""
    from .services import departement_for

    professional = Professional.objects.filter(identifiant_national=value.strip()).first()
    departement = departement_for(user, professional) if professional is not None else None
    if departement is None:
        raise forms.ValidationError(UNKNOWN_RPPS)
    return professional, departement


def check_retention(day: dt.date | None) -> dt.date | None:
    """Contacts older than the retention period are purged: refuse to record them at all."""
    from .privacy import retention_limit, retention_years

    limit = retention_limit()
    if day is not None and day < limit:
        raise forms.ValidationError(
            f"Date antérieure à la durée de conservation des contacts ({retention_years()} ans) "
            f": les contacts d'avant le {limit:%d/%m/%Y} ne sont pas conservés."
        )
    return day


class ScopedRppsMixin:
    """An ``rpps`` field resolved within the scope of the user entering the form; the
    département the new record belongs to is then ``self.departement``."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.departement = None

    def clean_rpps(self):
        professional, self.departement = professional_in_scope(self.cleaned_data["rpps"], self.user)
        return professional


class ContactForm(ScopedRppsMixin, forms.Form):
    rpps = forms.CharField(
        label="Professionnel (identifiant RPPS)",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-search": "professionnels"}),
    )
    canal = forms.ChoiceField(label="Canal", choices=Channel.choices)
    date = DateField(label="Date", widget=DateInput(), initial=dt.date.today)
    equipe = forms.ChoiceField(label="Équipe", choices=Team.choices)
    campagne = forms.ModelChoiceField(
        label="Campagne", queryset=Campaign.objects.none(), required=False, empty_label="—"
    )
    sujet = forms.CharField(label="Sujet (hors campagne)", required=False, max_length=200)
    resultat = forms.ChoiceField(label="Résultat", choices=Contact.Outcome.choices)
    commentaire = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    suite = forms.CharField(label="Suite à donner (facultatif)", required=False, max_length=200)
    suite_echeance = DateField(label="Échéance de la suite", required=False)

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["campagne"].queryset = campaigns

    def clean_date(self):
        return check_retention(self.cleaned_data["date"])

    def clean(self):
        data = super().clean()
        if not data.get("campagne") and not data.get("sujet"):
            self.add_error("sujet", "Indiquer une campagne ou un sujet.")
        if data.get("suite") and not data.get("suite_echeance"):
            self.add_error("suite_echeance", "Indiquer l'échéance de la suite.")
        return data


class WebinarForm(forms.Form):
    titre = forms.CharField(label="Titre", max_length=200)
    date = DateField(label="Date")
    equipe = forms.ChoiceField(label="Équipe", choices=Team.choices)
    campagne = forms.ModelChoiceField(
        label="Campagne", queryset=Campaign.objects.none(), required=False, empty_label="—"
    )
    participants = forms.CharField(
        label="Participants identifiés (un identifiant RPPS par ligne)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    participants_non_identifies = forms.IntegerField(
        label="Participants non identifiés", min_value=0, max_value=MAX_PARTICIPANTS, initial=0
    )

    def __init__(self, *args, departements=None, campaigns=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"] = departement_field(departements)
        if campaigns is not None:
            self.fields["campagne"].queryset = campaigns
        self.user = user
        # Département of each participant's contact, within the user's scope (pk → code).
        self.participant_departements: dict[int, str] = {}

    def clean_date(self):
        return check_retention(self.cleaned_data["date"])

    def clean_participants(self):
        """Every participant must be a professional of the user's scope: each one becomes a
        contact, and a contact is written in the participant's département, not the
        webinar's. Unknown and out-of-scope numbers are listed alike."""
        from .services import departement_for

        codes = list(
            dict.fromkeys(c.strip() for c in self.cleaned_data["participants"].split() if c)
        )
        found = {
            p.identifiant_national: p
            for p in Professional.objects.filter(identifiant_national__in=codes)
        }
        participants, refused = [], []
        for code in codes:
            departement = departement_for(self.user, found[code]) if code in found else None
            if departement is None:
                refused.append(code)
                continue
            participants.append(found[code])
            self.participant_departements[found[code].pk] = departement
        if refused:
            raise forms.ValidationError(
                "Identifiants RPPS inconnus dans vos départements : " + ", ".join(refused[:10])
            )
        return participants


class InstallationForm(ScopedRppsMixin, forms.Form):
    rpps = forms.CharField(label="Professionnel (identifiant RPPS)", max_length=12)
    date_installation = DateField(label="Date d'installation")


class CheckForm(forms.Form):
    controle_date = DateField(label="Date du contrôle")
    controle_resultat = forms.ChoiceField(
        label="Résultat", choices=Installation.CheckResult.choices
    )
    controle_commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ContractForm(ScopedRppsMixin, forms.Form):
    rpps = forms.CharField(label="Professionnel (identifiant RPPS)", max_length=12)
    kind = forms.ChoiceField(label="Type de contrat", choices=Contract.Kind.choices)
    date_signature = DateField(label="Date de signature")
    zone = forms.ChoiceField(
        label="Zone d'exercice",
        required=False,
        choices=[
            ("", "—"),
            *((code, label) for code, label in vocabulary.ZONE_LABELS.items() if code != "vivier"),
        ],
    )
    jours = forms.FloatField(
        label="CAIM : jours d'activité par semaine",
        required=False,
        min_value=bounds.DAYS_PER_WEEK.minimum,
        max_value=bounds.DAYS_PER_WEEK.maximum,
    )
    hopital_proximite = forms.BooleanField(
        label="CAIM : activité en hôpital de proximité", required=False
    )
    annees = forms.IntegerField(
        label="Durée en années (COSCOM, COTRAM, CSTM, assistant médical)",
        required=False,
        min_value=1,
        max_value=10,
    )
    stagiaire_mois = forms.IntegerField(
        label="COSCOM : mois d'accueil d'un stagiaire", required=False, min_value=0, max_value=120
    )
    honoraires_annuels = forms.DecimalField(
        label="COTRAM / CSTM : honoraires annuels estimés (€)",
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        decimal_places=2,
    )
    cle = forms.ChoiceField(
        label="Variante (infirmiers, masseurs-kinésithérapeutes)",
        required=False,
        choices=[
            ("", "—"),
            ("premiere_installation", "infirmier : première installation"),
            ("autre_installation", "infirmier : autre installation"),
            ("creation_reprise", "kiné : création ou reprise"),
            ("adhesion_cabinet", "kiné : adhésion à un cabinet"),
        ],
    )
    montant = forms.DecimalField(
        label="Assistant médical : montant total (€)",
        required=False,
        max_value=MAX_AMOUNT,
        decimal_places=2,
        validators=[positive_amount],
    )

    def options(self) -> dict:
        data = self.cleaned_data
        keys = (
            "zone",
            "jours",
            "hopital_proximite",
            "annees",
            "stagiaire_mois",
            "honoraires_annuels",
            "cle",
            "montant",
        )
        return {
            k: (str(data[k]) if k in ("honoraires_annuels", "montant") else data[k])
            for k in keys
            if data.get(k) not in (None, "", False)
        }


class PaymentForm(forms.Form):
    date = DateField(label="Date du versement")
    montant = forms.DecimalField(
        label="Montant (€)",
        max_value=MAX_AMOUNT,
        decimal_places=2,
        validators=[positive_amount],
        widget=forms.NumberInput(attrs={"min": "0.01", "step": "0.01"}),
    )


def staff_departements(user):
    from maillage.web.accounts.scope import scoped

    return scoped(Departement.objects.order_by("code"), user, "code")
