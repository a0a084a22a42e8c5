"""The code map of the README is true to the tree: everything it lists exists, and every
package of engine/ and web/ (so every Django application) is listed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "maillage"


def code_map() -> list[Path]:
    """Paths of the entries of the map, from the nesting of the names (two spaces a level)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Organisation du code\n.*?```\n(.*?)```", text, re.S).group(1)
    stack: list[tuple[int, str]] = []
    paths = []
    for line in block.splitlines():
        match = re.match(r"( *)(\S+/|\S+\.py)\s", line + " ")
        if not match or (stack and len(match.group(1)) > stack[-1][0] + 2):
            continue  # a continuation line of a description
        depth, name = len(match.group(1)), match.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        path = "".join(n for _, n in stack) + name
        if name.endswith("/"):
            stack.append((depth, name))
        paths.append(Path(path.rstrip("/")))
    return paths


def test_every_entry_of_the_code_map_exists():
    entries = code_map()
    assert Path("src/maillage/engine/sources") in entries  # the map was read, not skipped
    missing = [str(p) for p in entries if not (ROOT / p).exists()]
    assert missing == []


def test_every_package_of_engine_and_web_is_in_the_code_map():
    listed = set(code_map())
    packages = {
        path.parent.relative_to(ROOT)
        for layer in ("engine", "web")
        for path in (PACKAGE / layer).glob("*/__init__.py")
    }
    assert packages, "no package found: wrong root"
    assert sorted(str(p) for p in packages - listed) == []


def test_every_django_application_is_in_the_code_map():
    from django.conf import settings

    listed = {str(p) for p in code_map()}
    apps = [a for a in settings.INSTALLED_APPS if a.startswith("maillage.")]
    assert apps
    assert [a for a in apps if "src/" + a.replace(".", "/") not in listed] == []
