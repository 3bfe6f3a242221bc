"""The customer session on the running portal: cookie flags, what the cookie holds, idle and
absolute timeouts (cookies crafted with old timestamps), logout on both sides."""

from __future__ import annotations

import json
import time
from typing import Any

import requests
from cryptography.fernet import Fernet
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner

from portalclient.session import derive_fernet_key
from tests.integration.conftest import csrf_token_of, login

SECRET = "integration-test-secret"  # portal_overrides' key
COOKIE = "portal_session"
IDLE_MINUTES = 60
ABSOLUTE_MINUTES = 720


def serializer(signed_at: float | None = None) -> Any:
    """The portal's cookie serializer; ``signed_at`` backdates new signatures."""
    app = Flask(__name__)
    app.secret_key = SECRET
    result = SecureCookieSessionInterface().get_signing_serializer(app)
    if signed_at is not None:
        result.signer = type("Backdated", (TimestampSigner,),
                             {"get_timestamp": lambda self: int(signed_at)})
    return result


def cookie_data(cookie: str) -> dict[str, Any]:
    return serializer().loads(cookie)


def credentials(cookie: str) -> dict[str, str]:
    fernet = Fernet(derive_fernet_key(SECRET))
    return json.loads(fernet.decrypt(cookie_data(cookie)["crm"].encode()))


def logged_in_cookie(portal_url: str) -> str:
    with requests.Session() as browser:
        login(browser, portal_url, "alice@acme.example", "alice123")
        return browser.cookies[COOKIE]


def opens_home(portal_url: str, cookie: str) -> bool:
    with requests.Session() as browser:
        browser.cookies.set(COOKIE, cookie, domain="127.0.0.1", path="/")
        return browser.get(f"{portal_url}/", allow_redirects=False).status_code == 200


def set_cookie_header(response: requests.Response) -> str:
    return next(value for name, value in response.raw.headers.items()
                if name.lower() == "set-cookie" and value.startswith(f"{COOKIE}="))


def test_cookie_flags_on_the_wire(stub_crm, portal_url):
    with requests.Session() as browser:
        response = login(browser, portal_url, "alice@acme.example", "alice123")
    flags = [part.strip() for part in set_cookie_header(response.history[0]).split(";")][1:]
    assert "HttpOnly" in flags
    assert "SameSite=Lax" in flags
    assert "Path=/" in flags
    assert "Secure" not in flags
    assert any(flag.startswith("Expires=") for flag in flags)


def test_the_cookie_is_secure_and_scoped_when_the_portal_is_https_under_a_path(stub_crm,
                                                                               make_portal):
    portal = make_portal(stub_crm.url, Authenticate_Path="https://127.0.0.1/support/")
    response = requests.get(f"{portal}/support/login")
    flags = [part.strip() for part in set_cookie_header(response).split(";")][1:]
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/support"} <= set(flags)


def test_the_cookie_never_shows_the_crm_session_id_or_the_password(stub_crm, portal_url):
    cookie = logged_in_cookie(portal_url)
    session_id = stub_crm.store.scalar("SELECT session_id FROM sessions WHERE contact_id = 4")
    assert session_id and session_id not in cookie
    assert session_id not in json.dumps(cookie_data(cookie))
    assert "alice123" not in json.dumps(cookie_data(cookie))
    assert credentials(cookie)["s"] == session_id  # only the portal's key opens it


def test_an_idle_session_ends(stub_crm, portal_url):
    data = cookie_data(logged_in_cookie(portal_url))
    idle = serializer(signed_at=time.time() - IDLE_MINUTES * 60 - 5).dumps(data)
    recent = serializer(signed_at=time.time() - IDLE_MINUTES * 60 + 60).dumps(data)
    assert not opens_home(portal_url, idle)
    assert opens_home(portal_url, recent)


def test_a_session_ends_after_the_absolute_lifetime_even_when_active(stub_crm, portal_url):
    cookie = logged_in_cookie(portal_url)
    data, payload = cookie_data(cookie), json.dumps(credentials(cookie)).encode()
    fernet = Fernet(derive_fernet_key(SECRET))
    old = int(time.time()) - ABSOLUTE_MINUTES * 60 - 5
    data["crm"] = fernet.encrypt_at_time(payload, old).decode()
    assert not opens_home(portal_url, serializer().dumps(data))
    data["crm"] = fernet.encrypt_at_time(payload, old + 120).decode()
    assert opens_home(portal_url, serializer().dumps(data))


def test_timeouts_follow_the_configuration(stub_crm, make_portal):
    portal = make_portal(stub_crm.url, security={
        "secret_key": SECRET, "session_idle_minutes": 1, "session_absolute_minutes": 2})
    data = cookie_data(logged_in_cookie(portal))
    assert not opens_home(portal, serializer(signed_at=time.time() - 65).dumps(data))
    assert opens_home(portal, serializer(signed_at=time.time() - 50).dumps(data))


def test_logout_ends_the_session_on_both_sides(stub_crm, portal_url):
    with requests.Session() as browser:
        login(browser, portal_url, "alice@acme.example", "alice123")
        before = browser.cookies[COOKIE]
        token = csrf_token_of(browser.get(f"{portal_url}/settings/password"))
        out = browser.post(f"{portal_url}/logout", data={"csrf_token": token})
        assert out.url == f"{portal_url}/login"
        after = browser.cookies[COOKIE]
    assert "crm" not in cookie_data(after)
    stamps = stub_crm.store.query_one(
        "SELECT login_time, logout_time FROM portal_users WHERE contact_id = 4")
    assert stamps["logout_time"] and stamps["logout_time"] >= stamps["login_time"]
    assert not opens_home(portal_url, after)
    assert not opens_home(portal_url, before)  # a copy taken before logout is refused too


def test_logout_needs_a_post_with_the_csrf_token(stub_crm, portal_url):
    with requests.Session() as browser:
        login(browser, portal_url, "alice@acme.example", "alice123")
        assert browser.get(f"{portal_url}/logout").status_code == 405
        assert browser.post(f"{portal_url}/logout", data={}).status_code == 400
        assert browser.get(f"{portal_url}/", allow_redirects=False).status_code == 200
