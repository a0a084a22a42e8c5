"""Start-up of the ``maillage`` command: heavy libraries only in the commands that use them.

Each case runs the command in a new interpreter under ``python -X importtime`` and reads the
modules it imported (timings are for benchmarks/bench_cli_startup.py, not for tests).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from maillage import cli

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "docs" / "exemples" / "contrat-cpts-taille3-2022.json"
NUMERICAL = {"numpy", "pandas", "pyarrow", "scipy"}
NO_DATA_LIBRARIES = NUMERICAL | {"yaml", "django"}


def imported_modules(*arguments: str) -> set[str]:
    """Top-level packages imported by ``maillage ARGUMENTS`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "maillage.cli", *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "click" in names  # the report was read
    return names


@pytest.mark.parametrize(
    ("arguments", "forbidden"),
    [
        (("--help",), NO_DATA_LIBRARIES),
        (("--version",), NO_DATA_LIBRARIES),
        (
            (
                "aides",
                "--zone",
                "ZIP",
                "--profession",
                "medecin_generaliste",
                "--date",
                "2026-03-01",
                "--premiere-installation",
            ),
            NUMERICAL | {"django"},
        ),
        (("aci", "calcul", str(CONTRACT), "--annee", "2023"), NUMERICAL | {"django"}),
        (("parametres", "--non-verifies"), NUMERICAL | {"django"}),
        (("access", "parametres"), {"pandas", "pyarrow", "django"}),
    ],
    ids=["help", "version", "aides", "aci-calcul", "parametres", "access-parametres"],
)
def test_commands_import_only_what_they_use(arguments, forbidden):
    imported = imported_modules(*arguments)
    assert not imported & forbidden, (
        f"maillage {' '.join(arguments)} importe {imported & forbidden}"
    )


def test_lazy_commands_are_declared_with_their_own_help():
    """LAZY_COMMANDS lists every command its modules define, with the help they declare."""
    cli.load_all_commands()
    eager = {"import", "commune", "parametres", "manage"}
    assert set(cli.main.commands) == eager | set(cli.LAZY_COMMANDS)
    for name, (_sources, declared) in cli.LAZY_COMMANDS.items():
        command = cli.main.commands[name]
        assert command.get_short_help_str(10_000) == declared, name
        for limit in (30, 45, 80):
            assert cli.short_help(declared, limit) == command.get_short_help_str(limit)
