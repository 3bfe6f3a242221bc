"""Locale selection and the locale facts templates need (``<html lang dir>``, language names).

Order of choice: an explicit ``lang`` in the query or form (remembered in the session), then the
browser's Accept-Language, then ``default_language`` — always limited to the configured languages.
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale

from portalclient.config import PortalConfig, portal_config

log = logging.getLogger(__name__)

#: The top-level ``translations/`` folder (Flask-Babel would resolve a relative one against the
#: package, so it is given as an absolute path).
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
SESSION_KEY = "lang"


def init_i18n(app: Flask, config: PortalConfig) -> None:
    """Attach Flask-Babel with our locale selector and expose locale facts to templates."""
    compile_catalogs(TRANSLATIONS_DIR)
    app.config["BABEL_DEFAULT_LOCALE"] = config.default_language
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    Babel(app, locale_selector=select_locale,
          default_translation_directories=str(TRANSLATIONS_DIR))
    app.context_processor(_locale_context)


def compile_catalogs(directory: Path) -> None:
    """Compile every ``messages.po`` whose ``.mo`` is missing or older (``.mo`` files are not
    kept in git); an unwritable folder only logs, the portal then runs with what is there."""
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            _compile_one(po_path, mo_path)
        except OSError as exc:
            log.warning("cannot compile %s: %s", po_path, exc)


def _compile_one(po_path: Path, mo_path: Path) -> None:
    """Write the ``.mo`` atomically, so a concurrent worker never reads half a catalog."""
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=po_path.parent.parent.name)
    fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
    with os.fdopen(fd, "wb") as out:
        write_mo(out, catalog)
    os.replace(tmp_name, mo_path)
    log.info("compiled %s", mo_path)


def select_locale() -> str:
    """The locale for this request, one of the configured codes (remembered in ``g``)."""
    g.language_code = _choose_language(portal_config().languages)
    return g.language_code


def current_language() -> str:
    """The configured code chosen for this request ("zh_CN", where Babel would say "zh_Hans_CN")."""
    get_locale()  # runs select_locale once per request
    return g.get("language_code", portal_config().default_language)


def _choose_language(languages: tuple[str, ...]) -> str:
    explicit = _explicit_choice(languages)
    if explicit:
        session[SESSION_KEY] = explicit
        return explicit
    remembered = session.get(SESSION_KEY)
    if remembered in languages:
        return remembered
    browser = request.accept_languages.best_match(languages)
    return browser or portal_config().default_language


def _explicit_choice(languages: tuple[str, ...]) -> str | None:
    """The ``lang`` the visitor picked, if it is one we offer."""
    wanted = request.args.get("lang") or request.form.get("lang")
    if not wanted:
        return None
    wanted = wanted.replace("-", "_")
    return next((code for code in languages if code.lower() == wanted.lower()), None)


@lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """The language's name in itself ("Deutsch", "فارسی"), first letter upper-case."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def html_lang(code: str) -> str:
    """BCP 47 form for ``<html lang>`` ("pt_BR" -> "pt-BR")."""
    return code.replace("_", "-")


@lru_cache(maxsize=64)
def text_direction(code: str) -> str:
    """``rtl`` for right-to-left scripts (Persian), else ``ltr``."""
    return Locale.parse(code).text_direction


def _locale_context() -> dict[str, object]:
    code = current_language()
    return {
        "html_lang": html_lang(code),
        "text_direction": text_direction(code),
        "current_language": code,
        "language_choices": [(lang, language_name(lang)) for lang in portal_config().languages],
    }
