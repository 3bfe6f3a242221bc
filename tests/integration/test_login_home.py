"""Login, home, logout and session loss: the portal and the stub CRM over real HTTP."""

from __future__ import annotations

import dataclasses
import datetime as dt

import requests

import crm_stub
from portalclient import create_app
from portalclient.crm.client import CrmClient
from portalclient.crm_access import EXTENSION_KEY
from tests.integration.conftest import login, page, portal_overrides
from tests.servers import free_port, serve_wsgi

# The stub's seed data (crm_stub/seed/a_core.py): Alice's own tickets, and Acme's others.
ALICE_OPEN = [("TT1", "Widget Pro does not start", "Open", "High")]
ALICE_CLOSED = [("TT2", "Question about invoice layout", "Closed", "Low")]
ACME_OTHERS = {"TT3", "TT5"}


def table_rows(response: requests.Response, table_id: str) -> list[tuple[str, ...]]:
    cells = ("ticket-number", "ticket-title", "ticket-status", "ticket-priority")
    return [tuple(row.xpath(f"string(td[@class='{cls}'])").strip() for cls in cells)
            for row in page(response).xpath(f"//table[@id='{table_id}']/tbody/tr")]


def flash_texts(response: requests.Response) -> list[str]:
    return [text.strip() for text in page(response).xpath("//li[@role='status']/text()")]


def test_login_shows_the_customers_open_and_closed_tickets(stub_crm, portal_url, browser):
    email, password = stub_crm.demo_login()
    home = login(browser, portal_url, email, password)
    assert home.status_code == 200
    assert home.url == f"{portal_url}/"
    assert table_rows(home, "open-tickets") == ALICE_OPEN
    assert table_rows(home, "closed-tickets") == ALICE_CLOSED
    assert page(home).xpath("string(//h1)") == "Welcome, Alice Anderson"
    menu = page(home).xpath("//nav[@class='module-menu']//a")
    assert (menu[0].text, menu[0].get("href")) == ("Tickets", "/tickets")


def test_home_shows_the_support_period_end_in_the_customers_language(stub_crm, portal_url,
                                                                     browser):
    browser.headers["Accept-Language"] = "de"
    home = login(browser, portal_url, *stub_crm.demo_login())
    end = dt.date.fromisoformat(stub_crm.store.query_one(
        "SELECT support_end FROM contacts WHERE id = 4")["support_end"])
    german_months = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                     "September", "Oktober", "November", "Dezember"]
    assert page(home).xpath("normalize-space(//p[@class='support-end'])") == (
        f"Ihr Supportzeitraum endet am {end.day}. {german_months[end.month - 1]} {end.year}.")


def test_login_records_the_login_in_the_crm(stub_crm, portal_url, browser):
    login(browser, portal_url, *stub_crm.demo_login())
    row = stub_crm.store.query_one("SELECT login_time FROM portal_users WHERE contact_id = 4")
    assert row["login_time"]


def test_organization_scope_shows_colleagues_tickets(stub_crm, portal_url, browser):
    login(browser, portal_url, *stub_crm.demo_login())
    everything = browser.get(f"{portal_url}/", params={"scope": "all"})
    numbers = {row[0] for table in ("open-tickets", "closed-tickets")
               for row in table_rows(everything, table)}
    assert numbers == {"TT1", "TT2"} | ACME_OTHERS


def test_wrong_password_gives_one_generic_message_and_keeps_the_email(stub_crm, portal_url,
                                                                      browser):
    email, _ = stub_crm.demo_login()
    response = login(browser, portal_url, email, "not-the-password")
    assert response.status_code == 401
    form = page(response)
    assert form.xpath("string(//*[@role='alert'])") == (
        "The e-mail address or password is not correct, or your support period has ended.")
    assert form.xpath("//input[@name='email']/@value") == [email]
    assert form.xpath("//input[@name='password']/@value") == []
    assert "not-the-password" not in response.text


def test_ended_support_period_gets_the_same_message(stub_crm, portal_url, browser):
    response = login(browser, portal_url, "carol@globex.example", "carol123")
    assert page(response).xpath("string(//*[@role='alert'])") == (
        "The e-mail address or password is not correct, or your support period has ended.")


def test_logout_tells_the_crm_and_protects_pages_again(stub_crm, portal_url, browser):
    home = login(browser, portal_url, *stub_crm.demo_login())
    token = page(home).xpath("//form[contains(@class,'logout-form')]//input[@name='csrf_token']"
                             "/@value")[0]
    after = browser.post(f"{portal_url}/logout", data={"csrf_token": token})
    assert after.url == f"{portal_url}/login"
    assert "You have been logged out." in flash_texts(after)
    row = stub_crm.store.query_one("SELECT logout_time FROM portal_users WHERE contact_id = 4")
    assert row["logout_time"]
    again = browser.get(f"{portal_url}/", allow_redirects=False)
    assert again.status_code == 302
    assert again.headers["Location"] == "/login?next=/"


def test_logout_without_the_csrf_token_is_refused(stub_crm, portal_url, browser):
    login(browser, portal_url, *stub_crm.demo_login())
    refused = browser.post(f"{portal_url}/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 400
    assert browser.get(f"{portal_url}/").url == f"{portal_url}/"


def test_login_elsewhere_ends_the_first_session_and_returns_to_the_wanted_page(
        stub_crm, portal_url, browser):
    email, password = stub_crm.demo_login()
    login(browser, portal_url, email, password)
    with requests.Session() as elsewhere:
        login(elsewhere, portal_url, email, password)
    ended = browser.get(f"{portal_url}/", params={"scope": "all"})
    assert ended.url == f"{portal_url}/login?next=/?scope%3Dall"
    assert flash_texts(ended) == ["Your session has ended, possibly because you logged in "
                                  "somewhere else. Please log in again."]
    back = login(browser, portal_url, email, password, next_url="/?scope=all")
    assert back.url == f"{portal_url}/?scope=all"
    assert {row[0] for row in table_rows(back, "open-tickets")} >= {"TT1", "TT3"}


def test_next_refuses_absolute_urls(stub_crm, portal_url, browser):
    email, password = stub_crm.demo_login()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        browser.cookies.clear()
        response = login(browser, portal_url, email, password, next_url=target)
        assert response.url == f"{portal_url}/", target
        assert response.history[0].headers["Location"] == "/"


def test_crm_down_gives_a_translated_503_page(tmp_path, make_portal, browser):
    portal = make_portal(f"http://127.0.0.1:{free_port()}", crm={"timeout_seconds": 2})
    browser.headers["Accept-Language"] = "de"
    response = login(browser, portal, "alice@acme.example", "alice123")
    assert response.status_code == 503
    assert page(response).xpath("string(//*[@role='alert'])") == (
        "Das Support-System ist gerade nicht erreichbar. Bitte versuchen Sie es in ein paar "
        "Minuten noch einmal.")
    assert page(response).xpath("/html/@lang") == ["de"]


def test_crm_going_down_while_logged_in_gives_the_503_error_page(tmp_path, make_portal, browser):
    """A CRM that disappears while the customer is logged in gives the 503 page, not a crash."""
    second_crm = crm_stub.create_app(tmp_path / "crm2")
    with serve_wsgi(second_crm) as crm_url:
        portal = make_portal(crm_url)
        login(browser, portal, "alice@acme.example", "alice123")
    browser.headers["Accept-Language"] = "de"
    response = browser.get(f"{portal}/", params={"lang": "de"})
    assert response.status_code == 503
    assert page(response).xpath("string(//h1)") == "Support-System nicht erreichbar"
    assert "Traceback" not in response.text


def test_unknown_page_is_a_translated_404(portal_url, browser):
    response = browser.get(f"{portal_url}/no-such-page", params={"lang": "fa"})
    assert response.status_code == 404
    assert page(response).xpath("/html/@dir") == ["rtl"]
    assert page(response).xpath("/html/@lang") == ["fa"]


def test_pages_carry_security_headers(portal_url, browser):
    response = browser.get(f"{portal_url}/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    cookie = next(c for c in browser.cookies if c.name == "portal_session")
    assert cookie.has_nonstandard_attr("HttpOnly")


def test_login_page_offers_the_configured_languages_in_their_own_names(portal_url, browser):
    options = page(browser.get(f"{portal_url}/login")).xpath("//select[@name='lang']/option")
    assert [(o.get("value"), o.text) for o in options] == [
        ("en", "English"), ("de", "Deutsch"), ("fa", "فارسی")]


def test_portal_under_a_sub_path(stub_crm, make_portal, browser):
    portal = make_portal(stub_crm.url, Authenticate_Path="https://portal.example/support/")
    response = browser.get(f"{portal}/support/", allow_redirects=False)
    assert response.headers["Location"] == "/support/login?next=/support/"
    form = page(browser.get(f"{portal}/support/login"))
    assert form.xpath("//form[@method='post']/@action") == ["/support/login"]
    assert form.xpath("//link[@rel='stylesheet']/@href")[0].startswith("/support/static/")


def test_empty_ticket_tables_say_so(stub_crm, portal_url, browser):
    home = login(browser, portal_url, "bob@acme.example", "bob123")
    assert table_rows(home, "open-tickets") == [
        ("TT3", "Cannot log in to the dashboard", "In Progress", "Normal")]
    assert page(home).xpath("//table[@id='closed-tickets']") == []
    assert page(home).xpath("string(//section[@aria-labelledby='closed-tickets-heading']"
                            "/p[@class='empty'])") == "You have no closed tickets."


def test_last_visit_is_shown_after_a_logged_out_session(stub_crm, portal_url, browser):
    email, password = stub_crm.demo_login()
    first = login(browser, portal_url, email, password)
    assert page(first).xpath("normalize-space(//p[@class='last-login'])") == (
        "This is your first visit.")
    token = page(first).xpath("//form[contains(@class,'logout-form')]"
                              "//input[@name='csrf_token']/@value")[0]
    browser.post(f"{portal_url}/logout", data={"csrf_token": token})
    second = login(browser, portal_url, email, password)
    text = page(second).xpath("normalize-space(//p[@class='last-login'])")
    assert text.startswith("Your last visit: ")
    stored = stub_crm.store.query_one(
        "SELECT last_login_time FROM portal_users WHERE contact_id = 4")["last_login_time"]
    assert str(int(stored[:4])) in text  # the year of the CRM's timestamp, formatted by Babel


def test_refused_protocol_version_has_its_own_message(stub_crm, tmp_path, browser):
    app = create_app(overrides=portal_overrides(stub_crm.url, tmp_path))
    settings = app.extensions[EXTENSION_KEY].settings
    app.extensions[EXTENSION_KEY] = CrmClient(dataclasses.replace(settings, version="5.0.0"))
    with serve_wsgi(app) as portal:
        response = login(browser, portal, *stub_crm.demo_login())
    assert response.status_code == 502
    assert page(response).xpath("string(//*[@role='alert'])") == (
        "The support system does not accept this portal's version. Please tell the portal's "
        "administrator.")
