"""Open redirects against the running portal: every "return to where you were" target built
from request data (login's and the password mail's ``next``, the language chooser that carries
it) accepts local paths inside the portal only."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests

import crm_stub
from portalclient import create_app
from tests.integration.conftest import csrf_token_of, login, page, portal_overrides
from tests.servers import serve_wsgi

FOREIGN = [
    "//evil.example",
    "//evil.example/tickets",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "evil.example",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/tickets\r\nLocation: https://evil.example/",
    "/tickets\r\nSet-Cookie: portal_session=x",
    "/\x00/evil.example",
    "/" + "a" * 3000,
]


def post_login(portal_url: str, next_url: str, prefix: str = "") -> requests.Response:
    """Log in with ``next`` in the form; the redirect is returned, not followed."""
    with requests.Session() as browser:
        token = csrf_token_of(browser.get(f"{portal_url}{prefix}/login"))
        return browser.post(f"{portal_url}{prefix}/login", allow_redirects=False, data={
            "csrf_token": token, "email": "alice@acme.example", "password": "alice123",
            "next": next_url})


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[str]:
    """One stub and portal for the module, throttling loose enough for its many tries."""
    root = tmp_path_factory.mktemp("redirect")
    app = crm_stub.create_app(root / "crm")
    with serve_wsgi(app) as crm_url:
        app.extensions["crm_stub"].base_url = crm_url
        overrides = portal_overrides(crm_url, root, security={
            "secret_key": "open-redirect-test", "throttle_attempts": 1000})
        with serve_wsgi(create_app(overrides=overrides)) as portal_url:
            yield portal_url


@pytest.mark.parametrize("target", FOREIGN)
def test_login_never_sends_the_customer_away(portal, target):
    response = post_login(portal, target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_keeps_a_local_target(portal):
    response = post_login(portal, "/tickets?scope=all")
    assert response.headers["Location"] == "/tickets?scope=all"


@pytest.mark.parametrize("target", FOREIGN[:14])
def test_a_logged_in_visit_to_login_never_sends_the_customer_away(portal, target):
    with requests.Session() as browser:
        login(browser, portal, "bob@acme.example", "bob123")
        response = browser.get(f"{portal}/login", params={"next": target},
                               allow_redirects=False)
    assert response.headers["Location"] == "/"


def test_an_encoded_double_slash_in_the_raw_query_is_refused(portal):
    with requests.Session() as browser:
        login(browser, portal, "bob@acme.example", "bob123")
        response = browser.get(f"{portal}/login?next=%2F%2Fevil.example",
                               allow_redirects=False)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", FOREIGN[:14])
def test_the_login_page_does_not_carry_a_foreign_target(portal, target):
    login_page = requests.get(f"{portal}/login", params={"next": target})
    tree = page(login_page)
    assert tree.xpath("//input[@name='next']") == []
    links = tree.xpath("//a/@href") + tree.xpath("//form/@action")
    assert not [link for link in links if "evil" in link or "javascript" in link.lower()]


@pytest.mark.parametrize("target", FOREIGN[:14])
def test_the_password_mail_never_sends_the_visitor_away(portal, target):
    with requests.Session() as browser:
        token = csrf_token_of(browser.get(f"{portal}/forgot-password"))
        response = browser.post(f"{portal}/forgot-password", allow_redirects=False, data={
            "csrf_token": token, "email": "nobody@nowhere.example", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


def test_the_language_chooser_does_not_carry_a_foreign_target(portal):
    chosen = requests.get(f"{portal}/login", params={"next": "//evil.example", "lang": "de"})
    form = page(chosen).xpath("//form[contains(@class, 'language-form')]")[0]
    assert [(i.get("name"), i.get("value")) for i in form.xpath(".//input[@type='hidden']")
            if "evil" in (i.get("value") or "")] == []


def test_a_sub_path_portal_accepts_only_targets_under_its_path(stub_crm, make_portal):
    portal = make_portal(stub_crm.url, Authenticate_Path="http://127.0.0.1/support/")
    sent = post_login(portal, "/support/tickets", prefix="/support")
    assert sent.headers["Location"] == "/support/tickets"
    for target in ("/other-app/admin", "/supportx/", "//evil.example", "/support\\evil"):
        assert post_login(portal, target, prefix="/support").headers["Location"] == "/support/"
