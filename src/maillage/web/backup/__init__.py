"""Backup and restore of a maillage installation (``maillage sauvegarde`` / ``restaurer``).

One archive format for both database engines: a ``.tar.gz`` holding ``manifest.json``
(version, migration state, row counts, checksums), the database as an SQLite file and the
uploaded documents. See docs/exploitation.md for the choices.
"""
