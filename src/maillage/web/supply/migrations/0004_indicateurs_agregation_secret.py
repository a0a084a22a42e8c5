"""Registry indicators: one aggregation rule each, counts protected unless declared public.

Replaces ``ponderation`` (weighted mean) and the three secrecy modes (aucun / effectif /
denominateur) by ``agregation`` (somme / ratio / moyenne_ponderee), the family of the protected
counts (professionnels / patients, each with its dated threshold) and the source that makes a
numerator or a denominator public.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Definition = apps.get_model("supply", "IndicatorDefinition")
    # The database being migrated (a backup archive is migrated under its own alias).
    using = schema_editor.connection.alias
    for definition in Definition.objects.using(using).all():
        if definition.ponderation:
            definition.agregation = "moyenne_ponderee"
            # A value per inhabitant (the APL): the source publishes it, the weight is the
            # INSEE population. A maillage APL must be recomputed to use protected supply.
            definition.numerateur_public = definition.source[:200]
            definition.denominateur_public = "INSEE, populations légales"
        elif not definition.denominateur:
            definition.agregation = "somme"
        else:
            definition.agregation = "ratio"
        # The old per-indicator threshold of 10 was the patients' one; the others count
        # professionals (densities) and are now protected too.
        definition.secret = "patients" if (definition.secret_seuil or 0) >= 10 else "professionnels"
        definition.save(using=using)


class Migration(migrations.Migration):
    dependencies = [
        ("supply", "0003_unite_plus_longue"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicatordefinition",
            name="agregation",
            field=models.CharField(
                choices=[
                    ("somme", "somme (effectif)"),
                    ("ratio", "Σ numérateurs / Σ dénominateurs"),
                    ("moyenne_ponderee", "moyenne pondérée par la population"),
                ],
                default="ratio",
                help_text="somme : Σ numérateurs × facteur ; ratio : Σ numérateurs / Σ "
                "dénominateurs × facteur ; moyenne pondérée : numérateur = valeur × population, "
                "dénominateur = population",
                max_length=20,
                verbose_name="agrégation",
            ),
        ),
        migrations.AddField(
            model_name="indicatordefinition",
            name="numerateur_public",
            field=models.CharField(
                blank=True,
                help_text="source qui publie déjà le numérateur (vide : protégé par le secret)",
                max_length=200,
                verbose_name="numérateur déjà public",
            ),
        ),
        migrations.AddField(
            model_name="indicatordefinition",
            name="denominateur_public",
            field=models.CharField(
                blank=True,
                help_text="source qui publie déjà le dénominateur (vide : protégé par le secret)",
                max_length=200,
                verbose_name="dénominateur déjà public",
            ),
        ),
        migrations.AlterField(
            model_name="indicatordefinition",
            name="secret",
            field=models.CharField(
                choices=[
                    ("professionnels", "effectifs de professionnels (seuil professionnels)"),
                    ("patients", "effectifs de patients (seuil patients)"),
                ],
                default="patients",
                help_text="ce que comptent le numérateur et le dénominateur protégés (seuil daté)",
                max_length=20,
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="indicatordefinition", name="ponderation"),
        migrations.RemoveField(model_name="indicatordefinition", name="secret_seuil"),
    ]
