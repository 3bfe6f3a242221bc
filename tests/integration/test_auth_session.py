"""A CRM session killed by a second login of the same contact: back to the login page with a
message, and after logging in again back to the page (or the form's page) the customer was on."""

from __future__ import annotations

import requests
from werkzeug.security import check_password_hash

from tests.integration.conftest import csrf_token_of, flash_texts, login, page

SESSION_ENDED = ("Your session has ended, possibly because you logged in somewhere else. "
                 "Please log in again.")
FORM_NOT_SAVED = ("Your session has ended, possibly because you logged in somewhere else, so "
                  "nothing was sent yet. Please log in again: you will return to the form, and "
                  "this browser fills in what you typed.")



def log_in_elsewhere(portal_url: str, email: str, password: str) -> None:
    """The same contact logs in with another browser: the CRM replaces its session."""
    with requests.Session() as elsewhere:
        assert login(elsewhere, portal_url, email, password).status_code == 200


def log_in_on(login_page: requests.Response, browser: requests.Session, email: str,
              password: str) -> requests.Response:
    """Submit the login form of the page we landed on, with its own hidden ``next``."""
    form = page(login_page).xpath("//form[@method='post']")[0]
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    action = requests.compat.urljoin(login_page.url, form.get("action"))
    return browser.post(action, data={**fields, "email": email, "password": password})


def test_a_page_after_the_second_login_goes_to_login_and_back(stub_crm, portal_url, browser):
    email, password = stub_crm.demo_login()
    login(browser, portal_url, email, password)
    log_in_elsewhere(portal_url, email, password)
    ended = browser.get(f"{portal_url}/settings")
    assert ended.url == f"{portal_url}/login?next=/settings"
    assert flash_texts(ended) == [SESSION_ENDED]
    assert page(ended).xpath("//form[@method='post']/input[@name='next']/@value") == ["/settings"]
    back = log_in_on(ended, browser, email, password)
    assert back.url == f"{portal_url}/settings"
    assert page(back).xpath("string(//h1)") == "My settings"


def test_the_query_of_the_wanted_page_survives(stub_crm, portal_url, browser):
    email, password = stub_crm.demo_login()
    login(browser, portal_url, email, password)
    log_in_elsewhere(portal_url, email, password)
    ended = browser.get(f"{portal_url}/", params={"scope": "all"})
    assert flash_texts(ended) == [SESSION_ENDED]
    back = log_in_on(ended, browser, email, password)
    assert back.url == f"{portal_url}/?scope=all"


def test_a_form_sent_after_the_second_login_returns_to_the_form(stub_crm, portal_url, browser):
    email, password = stub_crm.demo_login()
    login(browser, portal_url, email, password)
    token = csrf_token_of(browser.get(f"{portal_url}/settings/password"))
    log_in_elsewhere(portal_url, email, password)
    sent = browser.post(f"{portal_url}/settings/password", data={
        "csrf_token": token, "old_password": password, "new_password": "another secret",
        "repeat_password": "another secret"})
    assert sent.url == f"{portal_url}/login?next=/settings/password"
    assert flash_texts(sent) == [FORM_NOT_SAVED]
    stored = stub_crm.store.query_one(
        "SELECT password_hash FROM portal_users WHERE contact_id = 4")["password_hash"]
    assert check_password_hash(stored, password)  # nothing was changed behind the message
    back = log_in_on(sent, browser, email, password)
    assert back.url == f"{portal_url}/settings/password"
    assert page(back).xpath("//form[@method='post']//input[@name='old_password']")


def test_a_form_returns_to_the_page_it_was_on(stub_crm, portal_url, browser):
    """The browser's Referer names the form's page when the form posts elsewhere."""
    email, password = stub_crm.demo_login()
    login(browser, portal_url, email, password)
    token = csrf_token_of(browser.get(f"{portal_url}/settings/password"))
    log_in_elsewhere(portal_url, email, password)
    sent = browser.post(f"{portal_url}/settings/password", headers={
        "Referer": f"{portal_url}/settings?tab=password"}, data={
        "csrf_token": token, "old_password": password, "new_password": "another secret",
        "repeat_password": "another secret"})
    assert sent.url == f"{portal_url}/login?next=/settings?tab%3Dpassword"
    back = log_in_on(sent, browser, email, password)
    assert back.url == f"{portal_url}/settings?tab=password"


def test_a_foreign_referer_is_ignored(stub_crm, portal_url, browser):
    email, password = stub_crm.demo_login()
    login(browser, portal_url, email, password)
    token = csrf_token_of(browser.get(f"{portal_url}/settings/password"))
    log_in_elsewhere(portal_url, email, password)
    sent = browser.post(f"{portal_url}/settings/password", allow_redirects=False, headers={
        "Referer": "https://evil.example/phish"}, data={
        "csrf_token": token, "old_password": password, "new_password": "another secret",
        "repeat_password": "another secret"})
    assert sent.headers["Location"] == "/login?next=/settings/password"


def test_a_form_sent_without_any_session_goes_to_login_and_back(stub_crm, portal_url, browser):
    sent = browser.post(f"{portal_url}/settings/password", data={"old_password": "x"})
    assert sent.url == f"{portal_url}/login?next=/settings/password"
    assert flash_texts(sent) == [FORM_NOT_SAVED]
    back = log_in_on(sent, browser, *stub_crm.demo_login())
    assert back.url == f"{portal_url}/settings/password"
