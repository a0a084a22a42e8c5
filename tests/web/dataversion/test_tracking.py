"""The data version: bumped by every kind of write to a reference table, in the same
transaction, never by reads or by writes elsewhere."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from maillage.web.dataversion import tracking
from maillage.web.dataversion.models import DataVersion
from maillage.web.diagnostics.models import SavedTerritory
from maillage.web.imports import ImportReport, atomic_import
from maillage.web.supply.models import Activity, Professional, Structure
from maillage.web.territories.models import Commune, Departement, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(db):
    return Region.objects.create(code="99", nom="Essai")


def counter() -> int:
    return int(tracking.current().split("-")[0])


def commune(code="99001", **fields):
    Departement.objects.get_or_create(code="99", defaults={"nom": "Essai", "region_id": "99"})
    return Commune.objects.create(code=code, nom=fields.pop("nom", code), departement_id="99")


# ------------------------------------------------------------------------- SQL statements


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "supply_activity" ("a") VALUES (%s) RETURNING "id"', {"supply_activity"}),
        ("insert into supply_activity (a) values (1)", {"supply_activity"}),
        ("INSERT OR REPLACE INTO territories_commune VALUES (1)", {"territories_commune"}),
        ('UPDATE "territories_commune" SET "population" = 1', {"territories_commune"}),
        ("update public.supply_professional set actif = false", {"supply_professional"}),
        ('UPDATE ONLY "public"."supply_professional" SET x = 1', {"supply_professional"}),
        ('DELETE FROM "supply_activity" WHERE "id" IN (1)', {"supply_activity"}),
        ("  /* import */ DELETE FROM supply_activity", {"supply_activity"}),
        ('TRUNCATE "a_b", "supply_activity" RESTART IDENTITY CASCADE;', {"a_b", "supply_activity"}),
        ("COPY supply_professional (id) FROM STDIN", {"supply_professional"}),
        ('SELECT * FROM "supply_activity"', set()),
        ("PRAGMA cache_size = -2000", set()),
        (
            'DELETE FROM "outreach_contact" WHERE id IN (SELECT id FROM supply_professional)',
            {"outreach_contact"},
        ),
    ],
)
def test_written_tables(sql, tables):
    assert tracking.written_tables(sql) == tables


def test_written_tables_of_every_statement_django_writes(region):
    """The ORM's own SQL for create, update, bulk and delete of each watched model is parsed
    to exactly its table."""
    with CaptureQueriesContext(connection) as queries:
        c = commune()
        Commune.objects.filter(pk=c.pk).update(population=3)
        Commune.objects.bulk_update([c], ["population"])
        Structure.objects.bulk_create([Structure(kind="MSP", identifiant="S", nom="S")])
        Structure.objects.all().delete()
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    seen = set().union(*(tracking.written_tables(sql) for sql in writes))
    assert {"territories_commune", "territories_departement", "supply_structure"} <= seen
    assert seen <= tracking.watched_tables() | {tracking.TABLE}


@given(st.sampled_from(["territories_commune", "supply_activity", "access_aplrun"]), st.text())
def test_statement_tail_never_changes_the_target(table, tail):
    for verb in ("INSERT INTO", "UPDATE", "DELETE FROM"):
        assert tracking.written_tables(f'{verb} "{table}" {tail}') == {table}


def test_watched_tables_are_the_reference_apps():
    watched = tracking.watched_tables()
    assert {"territories_commune", "supply_professional", "supply_structurecommune"} <= watched
    assert {"access_aplcommune", "supply_indicatorvalue", "territories_zonecommune"} <= watched
    assert not {"outreach_contact", "diagnostics_savedterritory", "django_session"} & watched
    assert tracking.TABLE not in watched


# ------------------------------------------------------------------------ every write kind


def test_every_kind_of_write_bumps(region):
    steps = []
    start = counter()
    c = commune()  # autocommit save (INSERT … RETURNING)
    steps.append(counter())
    c.population = 10
    c.save()
    steps.append(counter())
    Commune.objects.filter(pk=c.pk).update(population=11)
    steps.append(counter())
    Commune.objects.bulk_update([Commune(pk=c.pk, population=12)], ["population"])
    steps.append(counter())
    Professional.objects.bulk_create(
        [Professional(identifiant_national="8", type_identifiant="8", code_profession="10")]
    )
    steps.append(counter())
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Professional._meta.db_table} SET actif = %s", [False])
    steps.append(counter())
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Commune._meta.db_table} SET population = %s WHERE code = %s",
            [(13, c.code), (14, c.code)],
        )
    steps.append(counter())
    Activity.objects.create(professional=Professional.objects.get(), commune=c)
    steps.append(counter())
    Professional.objects.all().delete()  # and its activities, by cascade
    steps.append(counter())
    c.delete()  # instance delete
    steps.append(counter())
    assert steps == sorted(set(steps)) and steps[0] > start
    assert not Commune.objects.exists()


def test_reads_and_unwatched_writes_do_not_bump(region, django_user_model):
    commune()
    before = tracking.current()
    list(Commune.objects.all())
    Commune.objects.filter(code="x").exists()
    user = django_user_model.objects.create(username="u")
    SavedTerritory.objects.create(owner=user, nom="t", communes=["99001"])
    SavedTerritory.objects.all().delete()
    assert tracking.current() == before


def test_rolled_back_writes_leave_the_version(region):
    before = tracking.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        commune()
        assert tracking.current() != before  # visible inside the transaction
        raise RuntimeError
    assert tracking.current() == before


def test_a_new_version_never_repeats_a_rolled_back_one(region):
    """Same counter after a rollback, other token: nothing cached for the rolled back data
    can be taken for the new data."""
    with pytest.raises(RuntimeError), transaction.atomic():
        commune("99001")
        abandoned = tracking.current()
        raise RuntimeError
    commune("99002")
    now = tracking.current()
    assert now.split("-")[0] == abandoned.split("-")[0] and now != abandoned


def test_missing_row_is_recreated(region):
    DataVersion.objects.all().delete()
    version = tracking.current()
    assert DataVersion.objects.get().counter == 1 and version.startswith("1-")


# ------------------------------------------------------------------------- deferred scopes


def test_an_import_bumps_once_at_its_end(region):
    before = counter()
    report = ImportReport("essai")
    with atomic_import(report):
        for code in ("99001", "99002", "99003"):
            commune(code)
        Commune.objects.update(population=1)
        assert counter() == before  # nothing yet: one bump, at the end
    assert counter() == before + 1
    assert DataVersion.objects.get().reason == "essai"


def test_an_import_writing_nothing_watched_does_not_bump(region, django_user_model):
    before = tracking.current()
    with atomic_import(ImportReport("rien")):
        django_user_model.objects.create(username="u")
    assert tracking.current() == before


def test_a_dry_run_leaves_the_version(region):
    before = tracking.current()
    with atomic_import(ImportReport("essai", dry_run=True)):
        commune()
    assert tracking.current() == before and not Commune.objects.exists()


def test_writes_kept_after_an_error_inside_a_scope_still_bump(
    region, django_capture_on_commit_callbacks
):
    before = counter()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with tracking.deferred("partiel"):
                commune()
                raise ValueError
        except ValueError:
            pass  # the caller keeps the first writes and commits
    assert counter() > before and Commune.objects.count() == 1


def test_explicit_bump_inside_a_scope_is_deferred(region):
    before = counter()
    with transaction.atomic(), tracking.deferred("copie"):
        tracking.bump("COPY hors de Django")
        tracking.bump("COPY hors de Django")
        assert counter() == before
    assert counter() == before + 1


def test_migration_writes_bump_once_at_the_end(region):
    before = counter()
    tracking.migration_started(using="default")
    commune("99001")
    commune("99002")
    assert counter() == before
    tracking.migration_ended(using="default", plan=[])
    assert counter() == before + 1
