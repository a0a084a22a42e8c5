"""The accessibility engine and its command never import Django."""

from __future__ import annotations

import subprocess
import sys


def test_engine_does_not_import_django():
    code = (
        "import sys, maillage.engine.accessibility as a\n"
        "import maillage.engine.accessibility.whatif, maillage.engine.accessibility.osrm\n"
        "import maillage.engine.accessibility.distributed, maillage.commands.access\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django importé'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
