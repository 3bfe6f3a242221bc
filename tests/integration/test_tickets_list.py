"""The ticket list against the stub CRM: tabs, Mine/All, filters, search, sort, paging, empty
states, a disabled module, and a CRM whose list columns are labelled in another language."""

from __future__ import annotations

import requests

from crm_stub.operations.tickets import LIST_FIELDS_PREF
from tests.integration.conftest import empty_text, log_in_again, log_in_as, page

COLUMNS = ["Ticket No", "Subject", "Related to", "Contact Name", "Status", "Priority",
           "Assigned To"]
TT1 = ("TT1", "Widget Pro does not start", "Acme Corporation", "Alice Anderson", "Open", "High",
       "Admin Administrator")


def rows(response: requests.Response) -> list[tuple[str, ...]]:
    """The list's rows as the cells' visible texts."""
    return [tuple(td.text_content().strip() for td in tr.xpath("td"))
            for tr in page(response).xpath("//table[@id='ticket-list']/tbody/tr")]


def numbers(response: requests.Response) -> list[str]:
    return [row[0] for row in rows(response)]


def tab_counts(response: requests.Response) -> dict[str, str]:
    tabs = page(response).xpath("//nav[@class='state-tabs']/a")
    return {tab.get("data-state"): tab.xpath("string(span[@class='count'])") for tab in tabs}


def options(response: requests.Response, name: str) -> list[str]:
    return page(response).xpath(f"//select[@name='{name}']/option/@value")



def add_ticket(store, number: str, title: str, *, contact: int | None = 4, account: int = 2,
               status: str = "Open", priority: str = "Normal") -> int:
    """A ticket straight into the stub's store, as a CRM user would have created it."""
    ticket_id = store.new_entity("HelpDesk", 1, 1)
    store.insert("tickets", id=ticket_id, ticket_no=number, title=title, status=status,
                 priority=priority, severity="Minor", category="Small Problem",
                 contact_id=contact, account_id=account)
    return ticket_id


def test_list_opens_on_the_open_tab_with_the_crms_columns_and_counts(alice):
    response = alice.get("/tickets")
    assert response.status_code == 200
    doc = page(response)
    assert [th.text_content().strip() for th in doc.xpath(
        "//table[@id='ticket-list']/thead//th")] == COLUMNS
    assert rows(response) == [TT1]
    assert doc.xpath("//table[@id='ticket-list']//a[text()='Widget Pro does not start']/@href"
                     ) == ["/tickets/12"]
    assert tab_counts(response) == {"open": "(1)", "closed": "(1)", "all": "(2)"}
    assert doc.xpath("//nav[@class='state-tabs']/a[@aria-current='page']/@data-state") == [
        "open"]
    assert doc.xpath("//nav[@class='module-menu']//a[@aria-current='page']/text()") == [
        "Tickets"]


def test_closed_and_all_tabs(alice):
    assert rows(alice.get("/tickets?state=closed")) == [
        ("TT2", "Question about invoice layout", "Acme Corporation", "Alice Anderson", "Closed",
         "Low", "Admin Administrator")]
    assert numbers(alice.get("/tickets?state=all")) == ["TT2", "TT1"]  # newest first


def test_all_of_the_organization_adds_colleagues_and_company_tickets(alice):
    mine = alice.get("/tickets?state=all")
    links = page(mine).xpath("//nav[@class='scope-switch']/a")
    assert [a.text for a in links] == ["My tickets", "All tickets of my organization"]
    everything = alice.get("/tickets?state=all&scope=all")
    assert numbers(everything) == ["TT5", "TT3", "TT2", "TT1"]
    assert rows(everything)[1][3] == "Bob Brown"
    assert tab_counts(everything) == {"open": "(3)", "closed": "(1)", "all": "(4)"}


def test_without_show_all_there_is_no_scope_switch_and_all_means_mine(stub_crm, portal_url,
                                                                      browser):
    stub_crm.store.execute("UPDATE portal_modules SET show_related = 0 WHERE name = 'HelpDesk'")
    alice = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    response = alice.get("/tickets?state=all&scope=all")
    assert page(response).xpath("//nav[@class='scope-switch']") == []
    assert numbers(response) == ["TT2", "TT1"]


def test_status_and_priority_filters_offer_the_crms_picklists(alice):
    response = alice.get("/tickets?scope=all")
    assert options(response, "status") == ["", "Open", "In Progress", "Wait For Response",
                                           "Closed"]
    assert options(response, "priority") == ["", "Low", "Normal", "High", "Urgent"]
    assert options(response, "category") == []  # the default list has no category column
    waiting = alice.get("/tickets?scope=all&status=Wait+For+Response")
    assert numbers(waiting) == ["TT5"]  # a status filter looks at every tab
    assert page(waiting).xpath("//select[@name='status']/option[@selected]/@value") == [
        "Wait For Response"]
    assert numbers(alice.get("/tickets?scope=all&state=all&priority=Normal")) == ["TT5", "TT3"]
    assert numbers(alice.get("/tickets?scope=all&status=Closed&priority=Low")) == ["TT2"]


def test_a_value_outside_the_picklist_is_ignored(alice):
    response = alice.get("/tickets?scope=all&state=all&status=%27%20OR%201%3D1&priority=Bogus")
    assert numbers(response) == ["TT5", "TT3", "TT2", "TT1"]
    assert page(response).xpath("//select[@name='status']/option[@selected]") == []


def test_category_column_is_recognised_by_its_values_in_any_language(stub_crm, alice):
    stub_crm.store.insert("portal_prefs", key=LIST_FIELDS_PREF, value=(
        "ticket_no=Ticket-Nr., title=Betreff, category=Kategorie, status=Zustand,"
        " priority=Dringlichkeit"))
    alice = log_in_again(stub_crm, alice)
    response = alice.get("/tickets?scope=all&state=all")
    assert [th.text_content().strip() for th in page(response).xpath(
        "//table[@id='ticket-list']/thead//th")] == [
        "Ticket-Nr.", "Betreff", "Kategorie", "Zustand", "Dringlichkeit"]
    assert options(response, "category") == ["", "Big Problem", "Small Problem",
                                             "Other Problem"]
    assert numbers(alice.get("/tickets?scope=all&state=all&category=Other+Problem")) == [
        "TT5", "TT3"]
    assert numbers(alice.get("/tickets?scope=all")) == ["TT5", "TT3", "TT1"]  # open tab
    assert numbers(alice.get("/tickets?scope=all&state=closed")) == ["TT2"]


def test_search_matches_number_and_title_only(alice):
    assert numbers(alice.get("/tickets?scope=all&state=all&q=tt3")) == ["TT3"]
    assert numbers(alice.get("/tickets?scope=all&state=all&q=cannot+DASHBOARD")) == ["TT3"]
    assert numbers(alice.get("/tickets?scope=all&state=all&q=widget")) == ["TT1"]
    nothing = alice.get("/tickets?scope=all&state=all&q=Anderson")
    assert numbers(nothing) == []
    assert empty_text(nothing) == "No tickets match your search or filters."
    assert page(nothing).xpath("//form[@role='search']//input[@name='q']/@value") == ["Anderson"]


def test_sort_by_any_column_both_ways(alice):
    ascending = alice.get("/tickets?scope=all&state=all&sort=1&dir=asc")
    assert [row[1] for row in rows(ascending)] == [
        "Account-level maintenance request", "Cannot log in to the dashboard",
        "Question about invoice layout", "Widget Pro does not start"]
    header = page(ascending).xpath("//table[@id='ticket-list']/thead//th[2]")[0]
    assert header.get("aria-sort") == "ascending"
    descending = alice.get("/tickets?scope=all&state=all&sort=4&dir=desc")
    assert [row[4] for row in rows(descending)] == [
        "Wait For Response", "Open", "In Progress", "Closed"]
    assert numbers(alice.get("/tickets?scope=all&state=all&sort=99")) == [
        "TT5", "TT3", "TT2", "TT1"]


def test_paging_with_numbers_in_numeric_order(stub_crm, alice):
    for number in range(9, 39):
        add_ticket(stub_crm.store, f"TT{number}", f"Extra ticket {number}")
    alice = log_in_again(stub_crm, alice)
    first = alice.get("/tickets?state=all&sort=0&dir=asc")
    assert numbers(first)[:4] == ["TT1", "TT2", "TT9", "TT10"]
    assert len(numbers(first)) == 25
    doc = page(first)
    assert doc.xpath("normalize-space(//span[@class='pager-status'])") == "Page 1 of 2"
    assert doc.xpath("normalize-space(//p[contains(@class,'pager-range')])") == (
        "Showing 1–25 of 32")
    second = alice.browser.get(alice.portal_url + doc.xpath("//a[@rel='next']/@href")[0])
    assert numbers(second) == [f"TT{n}" for n in range(32, 39)]
    assert tab_counts(second) == {"open": "(31)", "closed": "(1)", "all": "(32)"}
    small = alice.get("/tickets?state=all&sort=0&dir=desc&per_page=10&page=4")
    assert numbers(small) == ["TT2", "TT1"]


def test_empty_states(stub_crm, alice):
    assert numbers(alice.get("/tickets?state=closed&scope=all&q=Widget")) == []
    stub_crm.store.execute("UPDATE entities SET deleted = 1 WHERE id IN (12, 13)")
    response = log_in_again(stub_crm, alice).get("/tickets")
    assert response.status_code == 200
    assert empty_text(response) == "There are no tickets yet."
    assert page(response).xpath("//main//a[text()='Raise your first ticket']/@href") == [
        "/tickets/new"]


def test_no_closed_tickets_says_so(stub_crm, portal_url, browser):
    bob = log_in_as(stub_crm, browser, portal_url, "bob@acme.example")
    response = bob.get("/tickets?state=closed")
    assert numbers(response) == []
    assert empty_text(response) == "There are no closed tickets."


def test_helpdesk_disabled_in_the_crm_means_no_ticket_pages(stub_crm, portal_url, browser):
    stub_crm.store.execute("UPDATE portal_modules SET visible = 0 WHERE name = 'HelpDesk'")
    alice = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    for path in ("/tickets", "/tickets/export.csv", "/tickets/new", "/tickets/12"):
        assert alice.get(path).status_code == 404, path
    home = alice.get("/")
    assert home.status_code == 200
    assert "Tickets" not in page(home).xpath("//nav[@class='module-menu']//a/text()")
    assert page(home).xpath("//table[@id='open-tickets']") == []


def test_german_page_still_renders(alice):
    alice.browser.headers["Accept-Language"] = "de"
    response = alice.get("/tickets?state=all")
    assert response.status_code == 200
    assert page(response).xpath("/html/@lang") == ["de"]
    assert numbers(response) == ["TT2", "TT1"]


def test_anonymous_visitors_are_sent_to_the_login(portal_url, browser):
    response = browser.get(f"{portal_url}/tickets?state=all", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/tickets?state%3Dall"


def test_without_a_status_column_there_are_no_tabs_and_every_ticket_shows(stub_crm, alice):
    stub_crm.store.insert("hidden_fields", module="HelpDesk", fieldname="status")
    alice = log_in_again(stub_crm, alice)
    response = alice.get("/tickets?state=open")
    assert numbers(response) == ["TT2", "TT1"]
    assert page(response).xpath("//nav[@class='state-tabs']") == []
    assert options(response, "status") == []
    assert options(response, "priority")[1:] == ["Low", "Normal", "High", "Urgent"]
