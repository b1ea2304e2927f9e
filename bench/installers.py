"""The peers the bench tools measure wxrtool against, installed into bench/work (gitignored).

- :func:`pelican_peer`: Pelican's ``pelican-import --wpfile`` (PyPI, in its own venv, with
  Debian's pandoc, which it needs);
- :func:`node_peer`: ``wordpress-export-to-markdown`` (npm, in its own folder).

Each returns the command to run, or ``None`` when the peer cannot be installed here.
Used by ``bench/run.py`` (speed) and ``bench/fidelity/run.py`` (fidelity).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

WORK = Path(__file__).resolve().parent / "work"


def pelican_peer() -> list[str] | None:
    """Pelican's importer's command, up to its ``-o`` (the output folder and the export follow)."""
    venv = WORK / "pelican-venv"
    if not (venv / "bin" / "pelican-import").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "pelican", "beautifulsoup4", "lxml"], check=True)
    if not shutil.which("pandoc"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "pandoc"], check=False, capture_output=True)
    if not shutil.which("pandoc"):
        return None
    return [str(venv / "bin" / "pelican-import"), "--wpfile", "-m", "markdown", "-o"]


def node_peer(source: str | None = None) -> list[str] | None:
    """wordpress-export-to-markdown's command, images off and no write delay.

    From the npm registry, or with ``source`` from a checkout of its repository (or a tarball
    of it): the registry holds 1.x and 2.2.2 only, and issue 19 measures against 3.x
    (``git clone https://github.com/lonekorean/wordpress-export-to-markdown``, then
    ``bench/run.py --node-peer PATH``). A checkout is packed with ``npm pack`` and installed
    from the tarball, its dependencies from the registry.

    Its 3.x takes ``--save-images none --write-delay 0``; the 2.x that a registry may
    hold instead has neither flag, only ``--save-*-images false`` and a 25 ms pause
    per file in ``src/settings.js``, set to 0 here in the copy the script installs.
    """
    folder = WORK / ("node" if source is None else "node-local")
    package = folder / "node_modules" / "wordpress-export-to-markdown"
    binary = folder / "node_modules" / ".bin" / "wordpress-export-to-markdown"
    if source is not None:
        shutil.rmtree(folder, ignore_errors=True)  # (the source may have changed since)
        folder.mkdir(parents=True)
        spec = str(Path(source).resolve())
        if Path(spec).is_dir():
            packed = subprocess.run(
                ["npm", "pack", "--silent", "--pack-destination", str(folder), spec],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            spec = str(folder / packed.stdout.strip().splitlines()[-1]) if packed.returncode == 0 else ""
        if spec:
            subprocess.run(["npm", "install", "--silent", "--omit=dev", "--prefix", str(folder), spec], check=False)
    elif not binary.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(folder), "wordpress-export-to-markdown"], check=False
        )
    if not binary.exists():
        return None
    version = json.loads((package / "package.json").read_text())["version"]
    if int(version.split(".")[0]) >= 3:
        return [str(binary), "--save-images", "none", "--write-delay", "0", "--wizard", "false"]
    settings = package / "src" / "settings.js"
    settings.write_text(re.sub(r"(markdown_file_write_delay = )\d+", r"\g<1>0", settings.read_text()))
    return [str(binary), "--save-attached-images", "false", "--save-scraped-images", "false", "--wizard", "false"]


def node_peer_version(command: list[str]) -> str:
    """The version of the wordpress-export-to-markdown that ``command`` runs (its package.json):
    3.x has no ``--version``."""
    package = Path(command[0]).resolve().parent / "package.json"
    try:
        return "v" + json.loads(package.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return peer_version(command)


def peer_version(command: list[str]) -> str:
    """What ``command --version`` says (its last line), or ``?``."""
    proc = subprocess.run([*command[:1], "--version"], capture_output=True, text=True, check=False)
    return (proc.stdout.strip() or proc.stderr.strip()).splitlines()[-1:][0] if proc.returncode == 0 else "?"
