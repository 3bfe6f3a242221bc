"""Numbers inside translated template text are written in the customer's digits; nothing else
about translated text changes (escaping, plurals, "%%", other locales)."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string

from portalclient.config import EXTENSION_KEY, load_config
from portalclient.i18n import init_i18n
from portalclient.pages.common import init_common
from portalclient.pages.trans_digits import plural_text

PAGER = "{% trans number=3, pages=12 %}Page {{ number }} of {{ pages }}{% endtrans %}"
DAYS = ("{% trans count=days %}Your support period ends in {{ count }} day, on {{ when }}. After "
        "that you can no longer log in to this portal; please contact us to renew it."
        "{% pluralize %}Your support period ends in {{ count }} days, on {{ when }}. After that "
        "you can no longer log in to this portal; please contact us to renew it.{% endtrans %}")


@pytest.fixture(scope="module")
def app() -> Flask:
    config = load_config(overrides={
        "Server_Path": "http://crm.test", "Authenticate_Path": "http://portal.test/",
        "upload_dir": "/tmp/uploads", "languages": ["en", "de", "fa"],
        "security": {"secret_key": "unit-test"}})
    app = Flask(__name__)
    app.config["SECRET_KEY"] = config.security.secret_key
    app.extensions[EXTENSION_KEY] = config
    init_i18n(app, config)
    init_common(app)
    return app


def render(app: Flask, lang: str, source: str, **context) -> str:
    with app.test_request_context(f"/?lang={lang}"):
        return render_template_string(source, **context)


def test_persian_sentences_write_their_numbers_in_persian_digits(app):
    assert render(app, "fa", PAGER) == "صفحه ۳ از ۱۲"
    text = render(app, "fa", DAYS, days=12, when="TT12")
    assert "۱۲ روز" in text and "TT12" in text  # a variable that is not a number stays as sent


def test_latin_digit_languages_are_unchanged(app):
    assert render(app, "en", PAGER) == "Page 3 of 12"
    assert render(app, "de", DAYS, days=1, when="1. Dezember").startswith(
        "Ihr Supportzeitraum endet in 1 Tag, am 1. Dezember.")


def test_escaping_and_plain_calls_behave_as_before(app):
    escaped = render(app, "fa", "{{ _('Welcome, %(name)s', name=who) }}", who="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in escaped and "<b>" not in escaped
    assert render(app, "en", "{{ ngettext('%(num)d file sent.', '%(num)d files sent.', 2) }}") == (
        "2 files sent.")
    assert render(app, "fa", "{{ ngettext('%(num)d file sent.', '%(num)d files sent.', 2) }}"
                  ).startswith("۲")


def test_messages_made_in_python_write_numbers_in_the_customers_digits(app):
    with app.test_request_context("/?lang=fa"):
        render_template_string("")  # selects the locale
        persian = plural_text("%(num)d file sent.", "%(num)d files sent.", 3)
    with app.test_request_context("/?lang=en"):
        english = plural_text("%(num)d file sent.", "%(num)d files sent.", 3)
    assert persian.startswith("۳ ") and english == "3 files sent."
