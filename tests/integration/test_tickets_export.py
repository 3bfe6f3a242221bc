"""CSV export of the ticket list: what is on screen, every page, safe for spreadsheets."""

from __future__ import annotations

import csv
import datetime as dt
import io

import requests

from tests.integration.conftest import log_in_again, page

HEADER = ["Ticket No", "Subject", "Related to", "Contact Name", "Status", "Priority",
          "Assigned To"]


def parse(response: requests.Response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def add_ticket(store, number: str, title: str) -> None:
    ticket_id = store.new_entity("HelpDesk", 1, 1)
    store.insert("tickets", id=ticket_id, ticket_no=number, title=title, status="Open",
                 priority="Low", contact_id=4, account_id=2)


def test_export_is_the_filtered_sorted_list_as_plain_text_csv(alice):
    response = alice.get("/tickets/export.csv?scope=all&state=all&sort=1&dir=desc&priority=Normal")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="tickets-{dt.date.today().isoformat()}.csv"')
    assert parse(response) == [
        HEADER,
        ["TT3", "Cannot log in to the dashboard", "Acme Corporation", "Bob Brown", "In Progress",
         "Normal", "Admin Administrator"],
        ["TT5", "Account-level maintenance request", "Acme Corporation", "", "Wait For Response",
         "Normal", "Admin Administrator"]]


def test_the_list_page_links_to_the_export_of_what_it_shows(alice):
    listing = page(alice.get(
        "/tickets?scope=all&q=widget&page=1&_external=1&_scheme=javascript"))
    href = listing.xpath("//a[@id='export-csv']/@href")[0]
    assert href == "/tickets/export.csv?scope=all&q=widget"
    exported = parse(alice.browser.get(alice.portal_url + href))
    assert [row[0] for row in exported[1:]] == ["TT1"]


def test_export_has_every_page(stub_crm, alice):
    for number in range(9, 49):
        add_ticket(stub_crm.store, f"TT{number}", f"Bulk {number}")
    alice = log_in_again(stub_crm, alice)
    exported = parse(alice.get("/tickets/export.csv?per_page=10&page=2&sort=0"))
    assert [row[0] for row in exported[1:]] == ["TT1"] + [f"TT{n}" for n in range(9, 49)]


def test_formulas_are_neutralised_and_unicode_survives(stub_crm, alice):
    titles = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-2+3", "@SUM(A1)",
              "\tTabbed", "Счёт не пришёл – ok"]
    for number, title in enumerate(titles, start=50):
        add_ticket(stub_crm.store, f"TT{number}", title)
    exported = parse(log_in_again(stub_crm, alice).get("/tickets/export.csv?sort=0"))
    assert [row[1] for row in exported[2:]] == [
        "'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1+2", "'-2+3", "'@SUM(A1)",
        "'\tTabbed", "Счёт не пришёл – ok"]


def test_export_needs_a_login(portal_url, browser):
    response = browser.get(f"{portal_url}/tickets/export.csv", allow_redirects=False)
    assert response.status_code == 302
