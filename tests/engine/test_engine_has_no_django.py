"""engine/ is pure Python: no module under it may import Django."""

import ast
from pathlib import Path

import maillage.engine

ENGINE = Path(maillage.engine.__file__).parent


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_engine_never_imports_django():
    offenders = [
        f"{path.relative_to(ENGINE)}: {module}"
        for path in sorted(ENGINE.rglob("*.py"))
        for module in imported_modules(path)
        if module == "django" or module.startswith(("django.", "maillage.web"))
    ]
    assert offenders == []


def test_the_check_sees_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\n")
    assert list(imported_modules(bad)) == ["django.db"]
