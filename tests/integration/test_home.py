"""The start page: greeting by name, quick actions for enabled modules, linked ticket tables
that work whatever language the CRM labels its list columns in."""

from __future__ import annotations

import requests

from crm_stub.operations.tickets import LIST_FIELDS_PREF
from tests.integration.conftest import log_in_as, page

KNOWN_ACTIONS = {"Raise a ticket", "Browse the FAQ", "My invoices", "Documents"}


def quick_actions(response: requests.Response) -> list[tuple[str, str]]:
    return [(a.text, a.get("href"))
            for a in page(response).xpath("//nav[@class='quick-actions']//a")]


def ticket_rows(response: requests.Response, table_id: str) -> list[tuple[str, ...]]:
    cells = ("ticket-number", "ticket-title", "ticket-status", "ticket-priority")
    return [tuple(row.xpath(f"string(td[@class='{cls}'])").strip() for cls in cells)
            for row in page(response).xpath(f"//table[@id='{table_id}']/tbody/tr")]


def test_greets_by_the_contact_name_from_the_ticket_list(alice):
    assert page(alice.get("/")).xpath("string(//h1)") == "Welcome, Alice Anderson"


def test_the_header_names_the_customer_once_the_crm_has_told_the_name(alice):
    header_name = "normalize-space(//a[@class='customer-name'])"
    assert page(alice.get("/tickets")).xpath(header_name) == "Alice Anderson"  # home came first
    assert page(alice.get("/settings")).xpath(header_name) == "Alice Anderson"


def test_greets_bob_by_name_too(stub_crm, portal_url, browser):
    bob = log_in_as(stub_crm, browser, portal_url, "bob@acme.example")
    assert page(bob.get("/")).xpath("string(//h1)") == "Welcome, Bob Brown"


def test_without_a_contact_column_the_greeting_uses_the_login(stub_crm, alice):
    stub_crm.store.insert("hidden_fields", module="HelpDesk", fieldname="contact_id")
    assert page(alice.get("/")).xpath("string(//h1)") == "Welcome, alice@acme.example"


def test_quick_actions_lead_to_existing_pages(alice):
    actions = quick_actions(alice.get("/"))
    assert actions[0] == ("Raise a ticket", "/tickets/new")
    assert {label for label, _ in actions} <= KNOWN_ACTIONS
    for label, href in actions:
        assert alice.get(href).status_code == 200, label


def test_quick_actions_follow_the_crms_modules(stub_crm, portal_url, browser):
    stub_crm.store.execute("UPDATE portal_modules SET visible = 0"
                           " WHERE name IN ('HelpDesk', 'Faq')")
    alice = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    home = alice.get("/")
    labels = [label for label, _ in quick_actions(home)]
    assert "Raise a ticket" not in labels
    assert "Browse the FAQ" not in labels
    assert page(home).xpath("//table[@id='open-tickets']") == []
    assert page(home).xpath("string(//h1)") == "Welcome, alice@acme.example"


def test_ticket_titles_link_to_their_pages(alice):
    home = page(alice.get("/"))
    assert home.xpath("//table[@id='open-tickets']//td[@class='ticket-title']/a/@href") == [
        "/tickets/12"]
    assert home.xpath("//a[text()='All tickets, with search and filters']/@href") == [
        "/tickets?scope=mine"]


def test_open_and_closed_split_whatever_the_column_labels(stub_crm, alice):
    stub_crm.store.insert("portal_prefs", key=LIST_FIELDS_PREF, value=(
        "ticket_no=Ticket-Nr., title=Betreff, status=Zustand, priority=Dringlichkeit"))
    home = alice.get("/?scope=all")
    assert ticket_rows(home, "open-tickets") == [
        ("TT5", "Account-level maintenance request", "Wait For Response", "Normal"),
        ("TT3", "Cannot log in to the dashboard", "In Progress", "Normal"),
        ("TT1", "Widget Pro does not start", "Open", "High")]
    assert ticket_rows(home, "closed-tickets") == [
        ("TT2", "Question about invoice layout", "Closed", "Low")]


def test_german_home_renders(alice):
    alice.browser.headers["Accept-Language"] = "de"
    response = alice.get("/")
    assert response.status_code == 200
    assert page(response).xpath("/html/@lang") == ["de"]
    assert [row[0] for row in ticket_rows(response, "open-tickets")] == ["TT1"]


def test_the_menu_marks_a_module_current_on_its_list_and_its_detail_pages(alice):
    def current(path: str) -> list[str]:
        return page(alice.get(path)).xpath("//nav[@class='module-menu']//a[@aria-current]/text()")

    assert current("/company") == ["Organization"]
    assert current("/company/2") == ["Organization"]
    assert current("/invoices") == ["Invoices"]
    links = page(alice.get("/tickets")).xpath("//a[starts-with(@href, '/tickets/')]/@href")
    ticket = next(link for link in links if link.rsplit("/", 1)[-1].isdigit())
    assert current(ticket) == ["Tickets"]

