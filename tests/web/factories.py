"""factory_boy factories for the users (with their role) and the main models of the referential
and the supply, instead of hand-written set-ups in each test module.

``UserFactory(role=Role.AGENT_CPAM, departements=["83"])`` gives a user in the role's group
(an administrator is also staff and superuser; an agent is limited to ``departements``).
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from maillage.web.accounts.models import User
from maillage.web.accounts.roles import Role, role_group
from maillage.web.supply.models import Activity, Professional
from maillage.web.territories.models import Commune, Departement, Region

PASSWORD = "x" * 14


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "00"
    nom = "Région fictive"


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "00"
    nom = "Département fictif"
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    departement = factory.SubFactory(DepartementFactory)
    region = factory.SelfAttribute("departement.region")
    code = factory.Sequence(lambda n: f"{n % 1000:05d}")
    nom = factory.Sequence(lambda n: f"Commune fictive {n}")
    population = 1000


class ProfessionalFactory(DjangoModelFactory):
    class Meta:
        model = Professional
        django_get_or_create = ("identifiant_national",)

    identifiant_national = factory.Sequence(lambda n: f"8{10_000_000_000 + n}")
    type_identifiant = "8"
    nom = factory.Sequence(lambda n: f"NOM{n}")
    prenom = "Camille"
    code_profession = "10"
    categorie = "medecin_generaliste"
    annee_naissance = 1980
    actif = True


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    professional = factory.SubFactory(ProfessionalFactory)
    commune = factory.SubFactory(CommuneFactory)
    code_commune = factory.SelfAttribute("commune.code")
    origine_commune = "commune"
    mode_exercice = Activity.Mode.LIBERAL


class UserFactory(DjangoModelFactory):
    """A user in the group of ``role`` (none: a user without role)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur-{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted: Role | None, **kwargs):
        if not create or extracted is None:
            return
        self.groups.add(role_group(extracted))
        if extracted is Role.ADMINISTRATEUR:
            self.is_staff = self.is_superuser = True
            self.save(update_fields=["is_staff", "is_superuser"])

    @factory.post_generation
    def departements(self, create, extracted, **kwargs):
        if create and extracted is not None:
            self.departements.set(Departement.objects.filter(code__in=extracted))
