"""Regenerates the screenshots of docs/captures/ (shown in the README, « Captures d'écran »).

Loads the demo into a temporary data directory (``maillage demo --no-serve``), serves it
(``maillage serve --port N``), logs in as the demo CPAM agent with Debian's Chromium and takes
the main pages at phone (390 px), tablet (768 px) and desktop (1366 px) widths. The images are
reduced to a 64-colour palette so the repository stays small.

    .venv/bin/python scripts/captures.py [--port 8790] [--out docs/captures]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("MAILLAGE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = {"telephone": (390, 844), "tablette": (768, 1024), "ordinateur": (1366, 900)}
# (file name, page, who looks at it); a dozen images at most.
PAGES = (
    ("accueil", "/", "anonyme"),
    ("diagnostic", "/diagnostic/territoire/?cpts={cpts}", "agent"),
    ("contrat-aci", "/exercice-coordonne/contrats/{contract}/", "agent"),
    ("campagne", "/accompagnement/campagnes/{campaign}/", "agent"),
)
PASSWORD = "demo-maillage-2026"  # noqa: S105 — the fictitious accounts of the demo


def _maillage() -> str:
    return str(Path(sys.executable).with_name("maillage"))


def _wait(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — the local server just started
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"le serveur {url} ne répond pas")


def _ids(env: dict) -> dict:
    """The objects of the demo the pages show (first CPTS, its contract, first campaign)."""
    code = (
        "from maillage.web.coordination.models import Contract;"
        "from maillage.web.outreach.models import Campaign;"
        "c = Contract.objects.filter(kind='cpts').order_by('pk').first();"
        "print('IDS', c.dossier.structure_id, c.pk, Campaign.objects.order_by('pk').first().pk)"
    )
    out = subprocess.run(
        [_maillage(), "manage", "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("IDS "))
    _marker, cpts, contract, campaign = line.split()
    return {"cpts": cpts, "contract": contract, "campaign": campaign}


def _compress(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "captures")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="maillage-captures-") as data:
        env = os.environ | {"MAILLAGE_DATA_DIR": data}
        subprocess.run([_maillage(), "demo", "--no-serve"], env=env, check=True)
        ids = _ids(env)
        server = subprocess.Popen(
            [_maillage(), "serve", "--port", str(args.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{args.port}"
        try:
            _wait(base + "/")
            _shoot(base, ids, args.out)
        finally:
            server.terminate()
            server.wait(timeout=20)


def _shoot(base: str, ids: dict, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        sessions = {}
        for role in ("anonyme", "agent"):
            context = browser.new_context(locale="fr-FR")
            page = context.new_page()
            if role != "anonyme":
                page.goto(base + "/comptes/connexion/")
                page.locator("#id_username").fill(role)
                page.locator("#id_password").fill(PASSWORD)
                page.locator("main button[type=submit]").click()
                page.wait_for_load_state()
            sessions[role] = page
        for name, url, role in PAGES:
            page = sessions[role]
            for device, (width, height) in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                response = page.goto(base + url.format(**ids))
                if response.status != 200:
                    raise SystemExit(f"{url.format(**ids)} : HTTP {response.status}")
                page.wait_for_load_state("networkidle")
                path = out / f"{name}-{device}.png"
                page.screenshot(path=str(path))
                _compress(path)
                print(f"{path.relative_to(ROOT)} ({path.stat().st_size // 1024} Kio)")
        browser.close()


if __name__ == "__main__":
    main()
