from __future__ import annotations

from django import forms

from maillage.web.territories.models import Commune

from .models import Structure


class CptsForm(forms.Form):
    """A CPTS drawn by picking communes (search list or map click)."""

    nom = forms.CharField(label="Nom de la CPTS", max_length=200)
    identifiant = forms.CharField(
        label="Identifiant",
        max_length=40,
        help_text="Identifiant stable, par exemple CPTS-83-01.",
    )
    communes = forms.ModelMultipleChoiceField(
        label="Communes du périmètre",
        queryset=Commune.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 14}),
        help_text="Filtrez la liste ou cliquez sur la carte ; Ctrl/Cmd + clic pour en choisir "
        "plusieurs.",
    )

    def __init__(self, *args, communes, instance: Structure | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["communes"].queryset = communes
        self.fields["communes"].label_from_instance = lambda c: f"{c.nom} ({c.code})"

    def clean_identifiant(self):
        identifiant = self.cleaned_data["identifiant"].strip()
        taken = Structure.objects.filter(kind=Structure.Kind.CPTS, identifiant=identifiant)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Une autre CPTS porte déjà cet identifiant.")
        return identifiant

    def clean(self):
        cleaned = super().clean()
        communes = cleaned.get("communes")
        if communes:
            others = (
                Structure.objects.filter(
                    kind=Structure.Kind.CPTS, perimetre__commune__in=list(communes)
                )
                .exclude(pk=getattr(self.instance, "pk", None))
                .values_list("perimetre__commune__nom", "nom")
                .distinct()
            )
            conflicts = [
                f"{commune} (déjà dans {cpts})"
                for commune, cpts in others
                if commune in {c.nom for c in communes}
            ]
            if conflicts:
                raise forms.ValidationError(
                    "Communes déjà rattachées à une autre CPTS : " + ", ".join(sorted(conflicts))
                )
        return cleaned
