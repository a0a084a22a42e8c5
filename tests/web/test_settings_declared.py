"""Every setting the code reads is declared, with its default, in settings/base.py, and read
plainly (no ``getattr(settings, …, default)`` hiding a second default)."""

import re
from pathlib import Path

import maillage
from maillage.web.settings import base

SRC = Path(maillage.__file__).parent


def test_settings_are_read_plainly_and_declared_in_base():
    hidden, undeclared = [], set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"getattr\(\s*settings\b", text):
            hidden.append(str(path.relative_to(SRC)))
        for name in re.findall(r"\bsettings\.(MAILLAGE_[A-Z0-9_]+)", text):
            if not hasattr(base, name):
                undeclared.add(name)
    assert hidden == []
    assert undeclared == set()
