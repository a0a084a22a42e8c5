"""Forms of the public pages (GET: nothing is stored)."""

from __future__ import annotations

import datetime as dt

from django import forms

from maillage.engine import vocabulary
from maillage.web import request_params as bounds

from .models import Profession


class ScopeForm(forms.Form):
    profession = forms.ChoiceField(label="Profession", choices=Profession.choices)
    departement = forms.CharField(
        label="Département (code)",
        max_length=3,
        required=False,
        validators=[bounds.DEPARTEMENT.validator],
    )
    region = forms.CharField(
        label="Région (code)", max_length=3, required=False, validators=[bounds.REGION.validator]
    )
    source = forms.ChoiceField(
        label="Zonage affiché",
        choices=[("officiel", "officiel (arrêté de l'ARS)"), ("simulation", "simulation")],
        required=False,
        widget=forms.RadioSelect,
    )


class ZoneField(forms.ChoiceField):
    """A zone chosen by its label; a code typed in the address in any spelling (« zip »,
    « très sous-dotée ») is read as the zone it names."""

    def __init__(self, **kwargs):
        choices = [("", "—")] + [
            (code, label) for code, label in vocabulary.ZONE_LABELS.items() if code != "vivier"
        ]
        super().__init__(choices=choices, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return vocabulary.normalise_zone(value) if value else value


class AidForm(forms.Form):
    profession = forms.ChoiceField(label="Profession", choices=Profession.choices)
    commune = forms.CharField(
        label="Commune (code INSEE)",
        max_length=5,
        required=False,
        validators=[bounds.COMMUNE.validator],
        help_text="La zone vient du zonage officiel importé, sinon du zonage simulé.",
    )
    zone = ZoneField(label="ou zone", required=False)
    date = forms.DateField(
        label="Date de l'installation", initial=dt.date.today, validators=[bounds.DATE.validator]
    )
    premiere_installation = forms.BooleanField(label="Première installation", required=False)
    deja_installe = forms.BooleanField(label="Déjà installé dans la zone", required=False)
    jours_par_semaine = forms.FloatField(
        label="Jours d'exercice par semaine", min_value=0.5, max_value=7, required=False
    )
    cabinet_secondaire = forms.BooleanField(label="Cabinet secondaire", required=False)
    exercice_groupe = forms.BooleanField(label="Exercice en groupe", required=False)
    rejoint_cabinet = forms.BooleanField(label="Rejoint un cabinet existant", required=False)
    age = forms.IntegerField(label="Âge", min_value=18, max_value=100, required=False)
    accueil_stagiaire = forms.BooleanField(label="Accueille un stagiaire", required=False)
    hopital_proximite = forms.BooleanField(label="Activité en hôpital de proximité", required=False)
    qpv = forms.BooleanField(label="Quartier prioritaire de la ville (QPV)", required=False)
    zfu_te = forms.BooleanField(label="Zone franche urbaine (ZFU-TE)", required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("commune")) == bool(data.get("zone")):
            raise forms.ValidationError("Indiquez une commune ou une zone (une seule des deux).")
        return data


class ScenarioForm(forms.Form):
    profession = forms.ChoiceField(label="Profession", choices=Profession.choices)
    departement = forms.CharField(
        label="Département (code)", max_length=3, validators=[bounds.DEPARTEMENT.validator]
    )
    commune = forms.CharField(
        label="Commune (code INSEE)",
        max_length=5,
        required=False,
        validators=[bounds.COMMUNE.validator],
    )
    msp = forms.IntegerField(
        label="ou MSP",
        required=False,
        min_value=bounds.PK.minimum,
        max_value=bounds.PK.maximum,
        widget=forms.Select,
    )
    etp = forms.FloatField(
        label="Variation d'ETP (négatif : départ)",
        min_value=-50,
        max_value=50,
        required=False,
        help_text="Par exemple 1 pour un médecin à temps plein de plus, -2 pour deux départs.",
    )
    retirer_msp = forms.BooleanField(
        label="Retirer toute l'offre de la MSP (ses praticiens)", required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("commune") and not data.get("msp"):
            raise forms.ValidationError("Choisissez une commune ou une MSP.")
        if data.get("etp") in (None, 0) and not data.get("retirer_msp"):
            raise forms.ValidationError("Indiquez une variation d'ETP non nulle.")
        return data
