"""Session fixation against the running portal: a cookie an attacker plants before the victim
logs in never becomes the victim's session, and forged cookies are ignored."""

from __future__ import annotations

import requests

from tests.integration.conftest import csrf_token_of, login

COOKIE = "portal_session"


def fresh_browser() -> requests.Session:
    browser = requests.Session()
    browser.headers["Accept-Language"] = "en"
    return browser


def plant(browser: requests.Session, cookie: str) -> None:
    """Put ``cookie`` into the browser as if the portal had set it (same domain and path)."""
    browser.cookies.set(COOKIE, cookie, domain="127.0.0.1", path="/")


def planted_cookie(portal_url: str) -> tuple[str, str]:
    """The attacker's own anonymous portal cookie (with a CSRF token in it) and that token."""
    with fresh_browser() as attacker:
        token = csrf_token_of(attacker.get(f"{portal_url}/login"))
        return attacker.cookies[COOKIE], token


def is_logged_in(portal_url: str, cookie: str) -> bool:
    """Whether ``cookie`` alone opens the customer's home page."""
    with fresh_browser() as someone:
        plant(someone, cookie)
        home = someone.get(f"{portal_url}/", allow_redirects=False)
        return home.status_code == 200


def test_a_planted_cookie_is_useless_after_the_victim_logs_in(stub_crm, portal_url):
    planted, planted_token = planted_cookie(portal_url)
    with fresh_browser() as victim:
        plant(victim, planted)
        assert csrf_token_of(victim.get(f"{portal_url}/login")) == planted_token  # fixated
        home = login(victim, portal_url, "alice@acme.example", "alice123")
        assert home.url == f"{portal_url}/"
        victims_cookie = victim.cookies[COOKIE]
        assert victims_cookie != planted
        assert csrf_token_of(victim.get(f"{portal_url}/settings/password")) != planted_token
    assert is_logged_in(portal_url, victims_cookie)
    assert not is_logged_in(portal_url, planted)


def test_the_attackers_csrf_token_does_not_work_for_the_victims_session(stub_crm, portal_url):
    planted, planted_token = planted_cookie(portal_url)
    with fresh_browser() as victim:
        plant(victim, planted)
        login(victim, portal_url, "alice@acme.example", "alice123")
        sent = victim.post(f"{portal_url}/logout", data={"csrf_token": planted_token},
                           allow_redirects=False)
        assert sent.status_code == 400
        assert victim.get(f"{portal_url}/", allow_redirects=False).status_code == 200


def test_a_forged_or_foreign_cookie_is_ignored(stub_crm, portal_url, make_portal):
    with fresh_browser() as victim:
        login(victim, portal_url, "alice@acme.example", "alice123")
        genuine = victim.cookies[COOKIE]
    payload, _, signature = genuine.rpartition(".")
    assert not is_logged_in(portal_url, f"{payload}.{'A' * len(signature)}")
    assert not is_logged_in(portal_url, 'eyJjcm0iOiJ4In0.forged.sig')
    other_portal = make_portal(stub_crm.url, security={"secret_key": "another-portal"})
    assert not is_logged_in(other_portal, genuine)
    assert is_logged_in(portal_url, genuine)


def test_a_session_cookie_in_the_query_or_form_is_not_picked_up(stub_crm, portal_url):
    with fresh_browser() as victim:
        login(victim, portal_url, "alice@acme.example", "alice123")
        genuine = victim.cookies[COOKIE]
    with fresh_browser() as attacker:
        home = attacker.get(f"{portal_url}/", params={COOKIE: genuine}, allow_redirects=False)
        assert home.status_code == 302
        assert home.headers["Location"].startswith("/login")
