from django.db import migrations

ROLES = (
    "Visiteur public",
    "Professionnel de santé",
    "Coordinateur de structure",
    "Agent CPAM",
    "Administrateur",
)


def create_roles(apps, schema_editor):
    # The database being migrated, which is not always the default one (backups).
    groups = apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias)
    for name in ROLES:
        groups.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    groups = apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias)
    groups.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, remove_roles)]
