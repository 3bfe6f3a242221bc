"""Locale selection: explicit choice (remembered) -> Accept-Language -> default, within the list."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from flask_babel import get_locale

from portalclient.config import EXTENSION_KEY, load_config
from portalclient.i18n import html_lang, init_i18n, language_name, text_direction

LANGUAGES = ["en", "de", "fa", "pt_BR", "zh_CN"]


@pytest.fixture
def app() -> Flask:
    config = load_config(overrides={
        "Server_Path": "http://crm.test", "Authenticate_Path": "http://portal.test/",
        "upload_dir": "/tmp/uploads", "languages": LANGUAGES, "default_language": "de",
        "security": {"secret_key": "unit-test-secret"}})
    app = Flask(__name__)
    app.config["SECRET_KEY"] = config.security.secret_key
    app.extensions[EXTENSION_KEY] = config
    init_i18n(app, config)

    @app.route("/locale", methods=("GET", "POST"))
    def locale():
        return render_template_string("{{ current_language }}|{{ html_lang }}|{{ text_direction }}")

    return app


@pytest.fixture
def client(app):
    return app.test_client()


def test_default_language_when_browser_asks_for_nothing_offered(client):
    assert client.get("/locale", headers={"Accept-Language": "ja, ko;q=0.5"}).text == "de|de|ltr"


def test_browser_preference_picks_best_configured_language(client):
    response = client.get("/locale", headers={"Accept-Language": "pt-BR, en;q=0.5"})
    assert response.text == "pt_BR|pt-BR|ltr"


def test_browser_region_falls_back_to_the_language(client):
    assert client.get("/locale", headers={"Accept-Language": "en-GB"}).text == "en|en|ltr"


def test_explicit_choice_wins_and_is_remembered(client):
    assert client.get("/locale?lang=fa", headers={"Accept-Language": "en"}).text == "fa|fa|rtl"
    assert client.get("/locale", headers={"Accept-Language": "en"}).text == "fa|fa|rtl"


def test_explicit_choice_from_a_form_and_hyphenated(client):
    assert client.post("/locale", data={"lang": "zh-cn"}).text == "zh_CN|zh-CN|ltr"


def test_unoffered_explicit_choice_is_ignored(client):
    response = client.get("/locale?lang=ja", headers={"Accept-Language": "en"})
    assert response.text == "en|en|ltr"
    with client.session_transaction() as session:
        assert "lang" not in session


def test_language_choices_are_named_in_their_own_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        app.preprocess_request()
        html = render_template_string(
            "{% for code, name in language_choices %}{{ code }}={{ name }};{% endfor %}")
        assert str(get_locale()) == "en"
    assert html == ("en=English;de=Deutsch;fa=فارسی;pt_BR=Português (Brasil);"
                    "zh_CN=中文 (简体, 中国);")


def test_locale_helpers():
    assert html_lang("pt_BR") == "pt-BR"
    assert text_direction("fa") == "rtl"
    assert text_direction("de") == "ltr"
    assert language_name("ru") == "Русский"


def test_explicit_choice_sets_a_long_lived_cookie(client):
    response = client.get("/locale?lang=pt-br")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=pt_BR;")
    assert "Max-Age=34560000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Set-Cookie" not in client.get("/locale").headers  # nothing new to remember


def test_cookie_remembers_the_choice_beyond_the_session(client):
    client.set_cookie("lang", "fa")
    assert client.get("/locale", headers={"Accept-Language": "en"}).text == "fa|fa|rtl"


def test_session_choice_wins_over_an_older_cookie(client):
    client.set_cookie("lang", "fa")
    with client.session_transaction() as session:
        session["lang"] = "en"
    assert client.get("/locale").text == "en|en|ltr"


@pytest.mark.parametrize("value", ["ja", "xx", "", "de;q=1"])
def test_cookie_with_an_unoffered_language_is_ignored(client, value):
    client.set_cookie("lang", value)
    response = client.get("/locale", headers={"Accept-Language": "pt-BR"})
    assert response.text == "pt_BR|pt-BR|ltr"
