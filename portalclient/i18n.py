"""Locale selection and the locale facts templates need (``<html lang dir>``, language names).

Order of choice, always limited to the configured ``languages``: an explicit ``lang`` in the query
or form (kept in the session and in a long-lived ``lang`` cookie, so a customer's choice outlives
the session), then the session, then that cookie, then the browser's Accept-Language, then
``default_language``.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from babel import Locale
from flask import Flask, Response, current_app, g, request, session
from flask_babel import Babel, get_locale

from portalclient.config import PortalConfig, portal_config
from portalclient.i18n_catalogs import compile_catalogs

log = logging.getLogger(__name__)

_PACKAGE_DIR = Path(__file__).resolve().parent
#: The catalogs: inside the package when installed from a wheel (setup.py puts them there), else
#: the checkout's top-level ``translations/`` (absolute: Flask-Babel would resolve a relative
#: one against the package).
TRANSLATIONS_DIR = next((path for path in (_PACKAGE_DIR / "translations",
                                           _PACKAGE_DIR.parent / "translations")
                         if path.is_dir()), _PACKAGE_DIR.parent / "translations")
SESSION_KEY = "lang"
COOKIE_NAME = "lang"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers keep (about 13 months)


def init_i18n(app: Flask, config: PortalConfig) -> None:
    """Attach Flask-Babel with our locale selector and expose locale facts to templates.

    Catalogs are compiled by the install step; compiling here again only fills in what is
    missing or older than its ``.po`` (a translator's edit in a development checkout).
    """
    compile_catalogs(TRANSLATIONS_DIR)
    app.config["BABEL_DEFAULT_LOCALE"] = config.default_language
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    Babel(app, locale_selector=select_locale,
          default_translation_directories=str(TRANSLATIONS_DIR))
    app.context_processor(_locale_context)
    app.after_request(_remember_choice)


def select_locale() -> str:
    """The locale for this request, one of the configured codes (remembered in ``g``)."""
    g.language_code = _choose_language(portal_config().languages)
    return g.language_code


def current_language() -> str:
    """The configured code chosen for this request ("zh_CN", where Babel would say "zh_Hans_CN")."""
    get_locale()  # runs select_locale once per request
    return g.get("language_code", portal_config().default_language)


def _choose_language(languages: tuple[str, ...]) -> str:
    explicit = _offered(request.args.get("lang") or request.form.get("lang"), languages)
    if explicit:
        session[SESSION_KEY] = explicit
        g.chosen_language = explicit
        return explicit
    remembered = (_offered(session.get(SESSION_KEY), languages)
                  or _offered(request.cookies.get(COOKIE_NAME), languages))
    if remembered:
        return remembered
    browser = request.accept_languages.best_match(languages)
    return browser or portal_config().default_language


def _offered(wanted: object, languages: tuple[str, ...]) -> str | None:
    """``wanted`` as one of the offered codes ("zh-cn" -> "zh_CN"), None if it is not one."""
    if not isinstance(wanted, str) or not wanted:
        return None
    wanted = wanted.replace("-", "_").lower()
    return next((code for code in languages if code.lower() == wanted), None)


def _remember_choice(response: Response) -> Response:
    """Set the long-lived ``lang`` cookie when the visitor picked a language on this request."""
    chosen = g.get("chosen_language")
    if chosen and request.cookies.get(COOKIE_NAME) != chosen:
        config = current_app.config
        response.set_cookie(COOKIE_NAME, chosen, max_age=COOKIE_MAX_AGE,
                            path=current_app.session_interface.get_cookie_path(current_app),
                            secure=bool(config.get("SESSION_COOKIE_SECURE")), httponly=True,
                            samesite="Lax")
    return response


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
