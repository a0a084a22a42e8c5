"""engine/ is pure Python: importing every one of its modules never loads Django nor the web
layer (nor do the commands that only drive the engine: `maillage access`, `aci`, `aides`)."""

import subprocess
import sys

import pytest

# Imports every module under maillage.engine, then the given extra modules, and prints the
# Django and maillage.web modules that ended up loaded.
PROBE = """
import importlib, pkgutil, sys
import maillage.engine as engine
names = [m.name for m in pkgutil.walk_packages(engine.__path__, "maillage.engine.")]
for name in names + sys.argv[1:]:
    importlib.import_module(name)
print(len(names))
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "django" or m[:12] == "maillage.web")
print(" ".join(loaded))
"""

ENGINE_COMMANDS = [
    "maillage.commands.access",
    "maillage.commands.aci",
    "maillage.commands.aides",
    "maillage.commands.apl_files",
]


def probe(*extra: str) -> tuple[int, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *extra], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    return int(out[0]), out[1].split() if len(out) > 1 else []


def test_no_engine_module_loads_django_or_the_web_layer():
    count, loaded = probe(*ENGINE_COMMANDS)
    assert count >= 75  # every module was imported, not an empty walk
    assert loaded == []


@pytest.mark.parametrize("offender", ["django.db.models", "maillage.web.formatting"])
def test_the_probe_sees_an_offender(offender):
    _, loaded = probe(offender)
    assert offender in loaded
