"""Contacts and organization pages against the stub CRM over real HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from babel.dates import format_datetime

from crm_stub.admin_actions import set_module_visible
from tests.integration.conftest import empty_text, log_in_as, page

#: Bob as the CRM lists him to his colleague Alice (crm_stub/seed/a_core.py).
BOB_ROW = ["Bob", "Brown", "Engineer", "Acme Corporation", "bob@acme.example", "+1 555 0105",
           "Admin Administrator"]


def rows(response: requests.Response, table_id: str) -> list[list[str]]:
    return [[cell.xpath("normalize-space(.)") for cell in row.xpath("td")]
            for row in page(response).xpath(f"//table[@id='{table_id}']/tbody/tr")]


def fields(response: requests.Response) -> dict[str, str]:
    """Label -> value of every field shown in the page's detail blocks."""
    return {term.xpath("normalize-space(.)"): term.xpath("normalize-space(../dd)")
            for term in page(response).xpath("//section[contains(@class,'detail-block')]//dt")}



def add_acme_contacts(stub, count: int) -> None:
    """More contacts of Acme, to page through Alice's colleagues."""
    for number in range(count):
        contact = stub.store.new_entity("Contacts", 1, 1)
        stub.store.insert("contacts", id=contact, contact_no=f"CON{contact}", account_id=2,
                          firstname="Extra", lastname=f"Person {number:02d}")


def test_contact_card_shows_the_customers_own_filled_fields(alice):
    response = alice.get("/contacts")
    assert response.status_code == 200
    assert page(response).xpath("normalize-space(//p[@class='my-name'])") == "Alice Anderson"
    card = fields(response)
    assert card["First Name"] == "Alice"
    assert card["Last Name"] == "Anderson"
    assert card["Title"] == "IT Manager"
    assert card["Primary Email"] == "alice@acme.example"
    assert card["Organization Name"] == "Acme Corporation"
    assert "Mobile Phone" not in card  # empty in the CRM: left out
    assert page(response).xpath("//a[.='All my details']/@href") == ["/contacts/4"]


def test_colleagues_the_crm_shows_are_listed_without_the_customer(alice):
    response = alice.get("/contacts")
    assert rows(response, "colleagues") == [BOB_ROW]
    assert page(response).xpath("//table[@id='colleagues']//a/@href") == [
        "/contacts/5", "/contacts/5", "/company/2"]
    menu = page(response).xpath("//nav[@class='module-menu']//a[@aria-current='page']/text()")
    assert menu == ["Contacts"]


def test_no_colleagues_when_the_crm_shows_none(stub_crm, alice):
    stub_crm.store.execute("UPDATE portal_modules SET show_related = 0 WHERE name = 'Contacts'")
    response = alice.get("/contacts")
    assert rows(response, "colleagues") == []
    assert empty_text(response) == "The support system shows you no colleagues."
    assert page(response).xpath("normalize-space(//p[@class='my-name'])") == "Alice Anderson"


def test_colleagues_are_searched_and_paged_in_the_portal(stub_crm, alice):
    add_acme_contacts(stub_crm, 10)
    found = alice.get("/contacts", params={"q": "BROWN engineer"})
    assert rows(found, "colleagues") == [BOB_ROW]
    nobody = alice.get("/contacts", params={"q": "Dawson"})
    assert empty_text(nobody) == "No colleague matches your search."
    second = alice.get("/contacts", params={"per_page": "10", "page": "2"})
    assert [row[:2] for row in rows(second, "colleagues")] == [["Extra", "Person 09"]]
    assert page(second).xpath("normalize-space(//p[contains(@class,'pager-range')])") == (
        "Showing 11–11 of 11")


def test_contact_pages_of_a_colleague_and_of_the_customer(alice):
    bob = alice.get("/contacts/5")
    assert bob.status_code == 200
    assert page(bob).xpath("normalize-space(//h1)") == "Bob Brown"
    assert fields(bob)["Primary Email"] == "bob@acme.example"
    assert fields(bob)["Title"] == "Engineer"
    own = alice.get("/contacts/4")
    assert page(own).xpath("normalize-space(//h1)") == "My contact details"
    assert fields(own)["Department"] == "IT"


def test_company_page_shows_the_customers_organization(alice):
    response = alice.get("/company")
    assert response.status_code == 200
    assert page(response).xpath("normalize-space(//h1)") == "Acme Corporation"
    shown = fields(response)
    assert shown["Website"] == "https://acme.example"
    assert shown["Primary Phone"] == "+1 555 0100"
    assert shown["Billing City"] == "Phoenix"
    assert "Fax" not in shown
    menu = page(response).xpath("//nav[@class='module-menu']//a[@aria-current='page']/text()")
    assert menu == ["Organization"]
    assert fields(alice.get("/company/2")) == shown


def test_another_companys_contact_and_account_show_nothing_of_them(alice):
    for path in ("/contacts/23", "/company/3"):  # Dave and his organization, Globex
        response = alice.get(path)
        assert response.status_code == 403, path
        for secret in ("Dawson", "dave@globex.example", "Globex", "globex.example"):
            assert secret not in response.text, (path, secret)


def test_customer_without_organization_gets_an_empty_state(stub_crm, portal_url, browser):
    stub_crm.store.execute("UPDATE contacts SET account_id = NULL WHERE email = ?",
                           ("bob@acme.example",))
    bob = log_in_as(stub_crm, browser, portal_url, "bob@acme.example")
    response = bob.get("/company")
    assert response.status_code == 200
    assert page(response).xpath("normalize-space(//h1)") == "My organization"
    assert empty_text(response) == (
        "Your contact is not linked to an organization in the support system.")
    assert rows(bob.get("/contacts"), "colleagues") == []


@pytest.mark.parametrize("module, paths", [("Contacts", ("/contacts", "/contacts/4")),
                                           ("Accounts", ("/company", "/company/2"))])
def test_disabled_module_is_a_404(stub_crm, portal_url, browser, module, paths):
    set_module_visible(stub_crm.store, module, False)
    customer = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    assert [customer.get(path).status_code for path in paths] == [404, 404]


def test_bad_ids_are_404(alice):
    paths = ("/contacts/abc", "/contacts/0", "/company/x1", "/company/0", "/company/-2")
    assert [alice.get(path).status_code for path in paths] == [404] * len(paths)


def test_german_company_page(stub_crm, portal_url, browser):
    browser.headers["Accept-Language"] = "de"
    alice = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    response = alice.get("/company")
    assert response.status_code == 200
    assert page(response).xpath("/html/@lang") == ["de"]
    created = stub_crm.store.scalar("SELECT created FROM entities WHERE id = 2")
    expected = format_datetime(dt.datetime.fromisoformat(created), "short", locale="de")
    assert expected in fields(response).values()
    assert rows(alice.get("/contacts"), "colleagues") == [BOB_ROW]
