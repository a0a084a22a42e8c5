"""The rules engine and its commands never import Django."""

import subprocess
import sys


def test_rules_engine_does_not_import_django():
    code = (
        "import sys\n"
        "import maillage.engine.rules.report, maillage.engine.rules.aids\n"
        "import maillage.commands.aci, maillage.commands.aides\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
