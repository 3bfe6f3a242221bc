"""The customer session: CRM credentials encrypted inside the signed cookie, rotation, next."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from cryptography.fernet import Fernet
from flask import Blueprint, Flask, session
from flask.sessions import SecureCookieSessionInterface

from portalclient.config import EXTENSION_KEY, load_config
from portalclient.crm.errors import SessionExpired
from portalclient.crm.models import CrmSession, Customer
from portalclient.i18n import init_i18n
from portalclient.session import (current_customer, derive_fernet_key, init_session,
                                  last_login, login_customer, login_required, logout_customer,
                                  safe_next)

SESSION_ID = "Zq8TxW3kLm0P"
CUSTOMER = Customer(session=CrmSession("4", SESSION_ID, "alice@acme.example"),
                    user_name="alice@acme.example", last_login=dt.datetime(2026, 11, 23, 23, 5),
                    support_start=dt.date(2026, 1, 1), support_end=dt.date(2027, 1, 1))


def make_app(authenticate_path: str = "http://portal.test/", absolute_minutes: int = 720) -> Flask:
    config = load_config(overrides={
        "Server_Path": "http://crm.test", "Authenticate_Path": authenticate_path,
        "upload_dir": "/tmp/uploads",
        "security": {"secret_key": "unit-test-secret", "session_idle_minutes": 5,
                     "session_absolute_minutes": absolute_minutes}})
    app = Flask(__name__)
    app.config["SECRET_KEY"] = config.security.secret_key
    app.extensions[EXTENSION_KEY] = config
    init_i18n(app, config)
    init_session(app, config)
    auth = Blueprint("auth", __name__)
    auth.add_url_rule("/login", "login", lambda: "login page")
    app.register_blueprint(auth)

    @app.route("/do-login", methods=("POST",))
    def do_login():
        session["lang"] = "de"
        session["leftover"] = "from before"
        login_customer(CUSTOMER)
        return "ok"

    @app.route("/whoami")
    def whoami():
        crm = current_customer()
        return json.dumps(None if crm is None else [crm.contact_id, crm.session_id,
                                                    crm.user_name, last_login()])

    @app.route("/do-logout", methods=("POST",))
    def do_logout():
        logout_customer()
        return "bye"

    @app.route("/private")
    @login_required
    def private():
        raise SessionExpired("gone", operation="get_tickets_list")

    return app


@pytest.fixture
def app() -> Flask:
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def decoded_cookie(app: Flask, client) -> dict:
    cookie = client.get_cookie("portal_session")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return serializer.loads(cookie.value)


def test_login_stores_the_customer_and_rotates_the_session(app, client):
    client.post("/do-login")
    assert json.loads(client.get("/whoami").text) == [
        "4", SESSION_ID, "alice@acme.example", "2026-11-23T23:05:00"]
    data = decoded_cookie(app, client)
    assert "leftover" not in data
    assert data["lang"] == "de"


def test_cookie_never_contains_the_crm_session_id(app, client):
    client.post("/do-login")
    raw = client.get_cookie("portal_session").value
    assert SESSION_ID not in raw
    assert SESSION_ID not in json.dumps(decoded_cookie(app, client))


def test_cookie_flags(client):
    client.post("/do-login")
    cookie = client.get_cookie("portal_session")
    assert cookie.http_only is True
    assert cookie.same_site == "Lax"
    assert cookie.secure is False


def test_cookie_is_secure_when_the_portal_url_is_https():
    client = make_app("https://portal.test/").test_client()
    client.post("/do-login", base_url="https://portal.test")
    assert client.get_cookie("portal_session", domain="portal.test").secure is True


def test_another_secret_key_cannot_read_the_credentials(app, client):
    client.post("/do-login")
    token = decoded_cookie(app, client)["crm"]
    other = make_app()
    other.extensions["portalclient.fernet"] = Fernet(derive_fernet_key("another-secret"))
    with other.test_request_context("/"):
        session["crm"] = token
        assert current_customer() is None
        assert "crm" not in session


def test_absolute_lifetime_ends_the_session(client, app, monkeypatch):
    client.post("/do-login")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 721 * 60)
    assert client.get("/whoami").text == "null"


def test_idle_lifetime_ends_the_session(client, monkeypatch):
    client.post("/do-login")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 6 * 60)
    assert client.get("/whoami").text == "null"


def test_activity_within_the_idle_lifetime_keeps_the_session(client, monkeypatch):
    client.post("/do-login")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 4 * 60)
    assert json.loads(client.get("/whoami").text)[0] == "4"


def test_logout_forgets_the_customer_but_keeps_the_language(app, client):
    client.post("/do-login")
    client.post("/do-logout")
    assert client.get("/whoami").text == "null"
    assert decoded_cookie(app, client) == {"lang": "de"}


def test_login_required_redirects_with_next(client):
    response = client.get("/private?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/private?x%3D1"


def test_session_expired_clears_the_session_and_comes_back(app, client):
    client.post("/do-login")
    response = client.get("/private")
    assert response.headers["Location"] == "/login?next=/private"
    assert client.get("/whoami").text == "null"
    flashes = decoded_cookie(app, client)["_flashes"]
    assert flashes[0][0] == "warning"
    assert "logged in somewhere else" in flashes[0][1]


@pytest.mark.parametrize(("target", "expected"), [
    ("/tickets?id=3", "/tickets?id=3"),
    ("/", "/"),
    ("https://evil.example/", None),
    ("//evil.example/", None),
    ("/\\evil.example", None),
    ("javascript:alert(1)", None),
    ("evil.example", None),
    ("/ok\r\nSet-Cookie: x", None),
    ("", None),
    (None, None),
])
def test_safe_next_accepts_only_local_paths(target, expected):
    assert safe_next(target) == expected
