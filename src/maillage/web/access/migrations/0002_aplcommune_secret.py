from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="aplcommune",
            name="secret",
            field=models.BooleanField(
                default=False,
                help_text="entre 1 et seuil − 1 praticiens : praticiens, ETP et offre sont ceux "
                "de la valeur de substitution (jamais publiés tels quels)",
                verbose_name="secret statistique",
            ),
        ),
    ]
