"""Where each language's catalog lives, and compiling catalogs (``.po`` -> ``.mo``).

Depends on Babel only: ``setup.py`` loads this file by path to compile the catalogs at install
time (``.mo`` files are not kept in git), and the portal uses it as a start-up fallback.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)

DOMAIN = "messages"


def catalog_folder(code: str) -> str:
    """The ``translations/`` sub-folder of a configured language: Babel's own name for the
    locale, the one Flask-Babel looks for ("zh_CN" -> "zh_Hans_CN", "pt_BR" -> "pt_BR")."""
    return str(Locale.parse(code.replace("-", "_")))


def catalog_path(directory: Path, code: str, suffix: str = ".po") -> Path:
    """The ``messages.po`` (or ``.mo``) of language ``code`` under ``directory``."""
    return directory / catalog_folder(code) / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def compile_catalogs(directory: Path, target: Path | None = None) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/messages.po`` under ``directory`` whose ``.mo`` is
    missing or older, into the same place or the same layout under ``target``; returns the
    ``.mo`` files written. An unwritable folder only logs (the portal runs with what is there)."""
    written = []
    for po_path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        relative = po_path.relative_to(directory).with_suffix(".mo")
        mo_path = (target or directory) / relative
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            compile_one(po_path, mo_path)
        except OSError as exc:
            log.warning("cannot compile %s: %s", po_path, exc)
            continue
        written.append(mo_path)
    return written


def compile_one(po_path: Path, mo_path: Path) -> None:
    """Write one ``.mo`` atomically, so a concurrent worker never reads half a catalog.

    Fuzzy entries are left out, as ``msgfmt`` does: a guess is never shown to a customer.
    """
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=po_path.parent.parent.name)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.replace(tmp_name, mo_path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    log.info("compiled %s", mo_path)
