"""The customer logs in somewhere else while a form is open: sending it writes nothing, leads to
the login with a message that what was typed is kept (the browser's draft, see drafts.js and
tests/browser/test_drafts.py), and after logging in again back to the form."""

from __future__ import annotations

import requests

from tests.faults.helpers import form_of, form_values
from tests.integration.conftest import flash_texts, log_in_as, login, page

NEW_FORM = "//form[contains(@class,'ticket-form')]"
COMMENT_FORM = "//form[contains(@class,'comment-form')]"
TT1 = 12
SESSION_ENDED_KEPT = ("Your session has ended, possibly because you logged in somewhere else, so "
                      "nothing was sent yet. Please log in again: you will return to the form, "
                      "and this browser fills in what you typed.")


def log_in_elsewhere(stub_crm, portal: str) -> None:
    """A second login of Alice (another browser): the CRM ends her first session."""
    with requests.Session() as other:
        log_in_as(stub_crm, other, portal, "alice@acme.example")


def test_a_ticket_sent_after_a_second_login_goes_to_the_login_and_back(stub_crm, portal,
                                                                        customer):
    form = form_values(form_of(customer.get("/tickets/new"), NEW_FORM))
    log_in_elsewhere(stub_crm, portal)
    sent = customer.browser.post(f"{portal}/tickets/new", allow_redirects=False,
                                 data={**form, "title": "Door squeaks", "description": "Loud."})
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith("/login?next=/tickets/new")
    login_page = customer.browser.get(f"{portal}{sent.headers['Location']}")
    assert flash_texts(login_page) == [SESSION_ENDED_KEPT]
    assert stub_crm.store.scalar("SELECT count(*) FROM tickets WHERE title = 'Door squeaks'") == 0
    back = login(customer.browser, portal, "alice@acme.example", "alice123", "/tickets/new")
    assert back.url == f"{portal}/tickets/new"
    assert form_of(back, NEW_FORM).get("data-draft") == "ticket-new"


def test_a_comment_sent_after_a_second_login_goes_to_the_login_in_german(stub_crm, portal,
                                                                         customer):
    customer.browser.headers["Accept-Language"] = "de"
    form = form_values(form_of(customer.get(f"/tickets/{TT1}"), COMMENT_FORM))
    log_in_elsewhere(stub_crm, portal)
    sent = customer.browser.post(f"{portal}/tickets/{TT1}/comments",
                                 data={**form, "comment": "Still there?"})
    assert sent.url.startswith(f"{portal}/login")
    assert page(sent).xpath("string(/html/@lang)") == "de"
    assert len(flash_texts(sent)) == 1
    assert stub_crm.store.scalar(
        "SELECT count(*) FROM ticket_comments WHERE content = 'Still there?'") == 0


def test_drafts_belong_to_one_customer(stub_crm, portal, customer):
    alices = form_of(customer.get("/tickets/new"), NEW_FORM).get("data-draft-owner")
    with requests.Session() as other:
        bob = log_in_as(stub_crm, other, portal, "bob@acme.example")
        bobs = form_of(bob.get("/tickets/new"), NEW_FORM).get("data-draft-owner")
    log_in_elsewhere(stub_crm, portal)
    customer.browser.cookies.clear()
    again = log_in_as(stub_crm, customer.browser, portal, "alice@acme.example")
    assert len(alices) == 16 and alices != bobs
    assert form_of(again.get("/tickets/new"), NEW_FORM).get("data-draft-owner") == alices
