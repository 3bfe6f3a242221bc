"""Numbers inside translated text written in the customer's digits.

``{% trans count=n %}…{{ count }}…{% endtrans %}`` and ``_("Page %(num)s", num=n)`` format their
variables with ``%``, which writes whole numbers in Latin digits: a Persian page read "۳ آذر" in
a date but "2 روز" in a sentence. These callables replace the ones Flask-Babel installs (Jinja's
"newstyle" gettext, whose behaviour they keep: autoescaping, always formatting, ``num`` for
plurals) and hand whole-number variables over in the locale's digits. Other values (CRM text,
ticket numbers) are left exactly as given; Latin-digit locales see no change at all.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from portalclient.pages.formatting import native_digits


def _in_digits(variables: dict[str, Any]) -> dict[str, Any]:
    """Whole numbers (not booleans) as text in the locale's digits; the rest unchanged."""
    return {name: native_digits(str(value))
            if isinstance(value, int) and not isinstance(value, bool) else value
            for name, value in variables.items()}


#: ``%(name)d`` placeholders (Python-style msgids); they take the digits as text instead.
_INTEGER_PLACEHOLDER = re.compile(r"%\((\w+)\)d")


def _substitute(text: str, variables: dict[str, Any], escape: bool = False) -> str:
    """``text % variables`` with whole numbers in the locale's digits (``%(n)d`` then takes
    them as text); ``escape`` formats as Markup, escaping the values."""
    values = _in_digits(variables)
    text = _INTEGER_PLACEHOLDER.sub(
        lambda found: f"%({found[1]})s" if values.get(found[1]) is not variables.get(found[1])
        else found[0], text)
    return (Markup(text) if escape else text) % values


def _formatted(context: Context, text: str, variables: dict[str, Any]) -> str:
    """Jinja's newstyle rule: escape-aware, and always a format string (so "%%" reads "%")."""
    return _substitute(text, variables, escape=context.eval_ctx.autoescape)


def plural_text(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ``ngettext`` for messages made in Python (flashes), numbers in the
    customer's digits like the templates'."""
    variables.setdefault("num", num)
    return _substitute(get_translations().ungettext(singular, plural, num), variables)


@pass_context
def gettext(__context: Context, __string: str, **variables: Any) -> str:
    return _formatted(__context, get_translations().ugettext(__string), variables)


@pass_context
def ngettext(__context: Context, __singular: str, __plural: str, __num: int,
             **variables: Any) -> str:
    variables.setdefault("num", __num)
    return _formatted(__context, get_translations().ungettext(__singular, __plural, __num),
                      variables)


def init_trans_digits(app: Flask) -> None:
    """Install the callables (after Flask-Babel, whose i18n extension stays in charge; its
    ``_`` alias looks ``gettext`` up on every call, so it uses these too)."""
    app.jinja_env.globals.update(gettext=gettext, ngettext=ngettext)
