"""get_details / get_invoice_detail: trace-identical labels and blocks, values, every refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.stub.records_support import NA, labels_and_blocks, values

TRACES = Path(__file__).resolve().parents[1] / "crm" / "traces"


def trace_labels(name: str) -> list[tuple[str, str]]:
    result = json.loads((TRACES / f"{name}.decoded.json").read_text("utf-8"))["result"]
    return labels_and_blocks(result)


RECORDS = {  # module -> (table, column, value) of a record Alice may see
    "Accounts": ("accounts", "name", "Acme Corporation"),
    "Assets": ("assets", "asset_no", "ASSET1"),
    "Contacts": ("contacts", "email", "bob@acme.example"),
    "Documents": ("documents", "title", "Widget Pro Manual"),
    "Products": ("products", "name", "Widget Pro"),
    "Project": ("projects", "project_no", "PROJ1"),
    "Quotes": ("quotes", "quote_no", "QUO1"),
    "Services": ("services", "name", "Premium Support"),
    "HelpDesk": ("tickets", "ticket_no", "TT3"),
}


@pytest.mark.parametrize("module", sorted(RECORDS))
def test_labels_and_blocks_match_the_real_crm(crm, module):
    record = crm.record(*RECORDS[module])
    result = crm.call("get_details", str(record), module, *crm.as_("alice@acme.example"))
    trace = "get_details.HelpDesk.colleagues_ticket" if module == "HelpDesk" \
        else f"get_details.{module}"
    assert labels_and_blocks(result) == trace_labels(trace)
    assert list(result[0][module][0]) == ["fieldlabel", "blockname", "fieldvalue"]


def test_ticket_values_and_service_contract_pseudo_fields(crm):
    ticket = crm.record("tickets", "ticket_no", "TT1")
    result = crm.call("get_details", str(ticket), "HelpDesk", *crm.as_("alice@acme.example"))
    got = values(result)
    assert got["Title"] == "Widget Pro does not start"
    assert got["Related To"] == \
        '<a href="index.php?module=Accounts&action=index&id=2">Acme Corporation</a>'
    assert got["Contact Name"] == \
        '<a href="index.php?module=Contacts&action=index&id=4">Alice Anderson</a>'
    assert got["Product Name"] == \
        '<a href="index.php?module=Products&action=index&productid=7">Widget Pro</a>'
    assert (got["Status"], got["Hours"], got["Ticket No"], got["Owner"]) == \
        ("Open", "0.00000000", "TT1", "")
    assert got["Assigned To"] == "Admin Administrator"
    contract = result[0]["HelpDesk"][-4:]
    assert contract == [
        {"fieldlabel": "Subject", "blockname": "Service Contract Details",
         "fieldvalue": "Acme Support Contract 2026"},
        {"fieldlabel": "Used Units", "blockname": "Service Contract Details",
         "fieldvalue": "12.50"},
        {"fieldlabel": "Total Units", "blockname": "Service Contract Details",
         "fieldvalue": "40.00"},
        {"fieldlabel": "Available Units", "blockname": "Service Contract Details",
         "fieldvalue": 27.5}]


def test_account_only_ticket_has_empty_contact_and_product_anchor_for_zero(crm):
    ticket = crm.record("tickets", "ticket_no", "TT5")
    got = values(crm.call("get_details", str(ticket), "HelpDesk",
                          *crm.as_("bob@acme.example")))
    assert got["Contact Name"] == ""
    assert got["Product Name"] == \
        '<a href="index.php?module=Products&action=index&productid=0"></a>'
    assert got["Status"] == "Wait For Response"


def test_status_is_blanked_when_the_caller_may_not_close_the_ticket(crm):
    project = crm.record("projects", "project_no", "PROJ1")
    globex_ticket = crm.record("tickets", "ticket_no", "TT7")
    crm.store.execute("INSERT INTO relations VALUES (?, 'Project', ?, 'HelpDesk')",
                      (project, globex_ticket))
    got = values(crm.call("get_details", str(globex_ticket), "HelpDesk",
                          *crm.as_("alice@acme.example")))
    assert got["Ticket No"] == "TT7"
    assert got["Status"] == ""


def test_documents_values(crm):
    manual = crm.record("documents", "title", "Widget Pro Manual")
    got = values(crm.call("get_details", str(manual), "Documents", *crm.as_("alice@acme.example")))
    assert got["File Name"] == (
        f'<a href="index.php?downloadfile=true&folderid=1&filename=widget-pro-manual.txt'
        f'&module=Documents&action=index&id={manual}" >widget-pro-manual.txt</a>')
    assert (got["Folder Name"], got["Download Type"], got["Active"], got["File Size"]) == \
        ("Default", "Internal", "Yes", "163 B")
    external = crm.record("documents", "title", "Price list 2027")
    got = values(crm.call("get_details", str(external), "Documents",
                          *crm.as_("alice@acme.example")))
    assert got["File Name"] == (
        f'<a target="_blank" href="https://example.com/prices-2027.pdf" '
        f'onclick = "updateCount({external});">https://example.com/prices-2027.pdf</a>')
    assert (got["Download Type"], got["File Size"]) == ("External", "--")


def test_quote_product_service_project_asset_values(crm):
    alice = crm.as_("alice@acme.example")
    quote = crm.record("quotes", "quote_no", "QUO1")
    got = values(crm.call("get_details", str(quote), "Quotes", *alice))
    assert got["Subject"] == (f'<a href="index.php?downloadfile=true&module=Quotes&action=index'
                              f'&id={quote}">Quote for Widget rollout</a>')
    assert got["Inventory Manager"] is None
    assert got["Terms & Conditions"] == "Payment within 30 days &amp; delivery ex works."
    got = values(crm.call("get_details", "7", "Products", *alice))
    assert (got["Unit Price"], got["Commission Rate"], got["Qty/Unit"], got["Reorder Level"]) \
        == ("(&euro;)1200", "2.500", "1.00", 0)
    got = values(crm.call("get_details", "11", "Services", *alice))
    assert (got["Price"], got["No of Units"], got["Owner"]) == \
        ("(&euro;)99", "1.00", "Admin Administrator")
    got = values(crm.call("get_details", str(crm.record("projects", "project_no", "PROJ1")),
                          "Project", *alice))
    assert got["Related to"] == \
        '<a href="index.php?module=Accounts&action=index&id=2">Acme Corporation</a>'
    got = values(crm.call("get_details", str(crm.record("assets", "asset_no", "ASSET1")),
                          "Assets", *alice))
    assert (got["Product Name"], got["Customer Name"], got["Invoice Name"], got["Contact Name"]) \
        == ("Widget Pro", "Acme Corporation", "Invoice Widget order 2026", 0)


def test_hidden_fields_are_left_out(crm):
    crm.store.execute("INSERT INTO hidden_fields VALUES ('HelpDesk', 'priority')")
    ticket = crm.record("tickets", "ticket_no", "TT1")
    got = values(crm.call("get_details", str(ticket), "HelpDesk", *crm.as_("alice@acme.example")))
    assert "Priority" not in got and got["Severity"] == "Major"


@pytest.mark.parametrize("module, table, column, value", [
    ("HelpDesk", "tickets", "ticket_no", "TT4"),          # other company's ticket
    ("Quotes", "quotes", "quote_no", "QUO2"),
    ("Assets", "assets", "asset_no", "ASSET3"),           # strict: not any asset of Globex
    ("Project", "projects", "project_no", "PROJ2"),
    ("Accounts", "accounts", "name", "Globex Ltd"),
    ("Contacts", "contacts", "email", "dave@globex.example"),
    ("Documents", "documents", "title", "Sensor Kit 取扱説明書"),
    ("Products", "products", "name", "Gadget Basic"),
])
def test_other_company_records_are_not_authorized(crm, module, table, column, value):
    record = crm.record(table, column, value)
    assert crm.call("get_details", str(record), module, *crm.as_("alice@acme.example")) == NA


def test_colleague_records_follow_show_all(crm):
    bob_ticket = str(crm.record("tickets", "ticket_no", "TT3"))
    bob = str(crm.contact("bob@acme.example"))
    alice = crm.as_("alice@acme.example")
    assert values(crm.call("get_details", bob, "Contacts", *alice))["First Name"] == "Bob"
    crm.set_show_all("HelpDesk", False)
    crm.set_show_all("Contacts", False)
    assert crm.call("get_details", bob_ticket, "HelpDesk", *alice) == NA
    assert crm.call("get_details", bob, "Contacts", *alice) == NA
    crm.set_show_all("Accounts", False)
    assert values(crm.call("get_details", "2", "Accounts", *alice))["Account No"] == "ACC2"


def test_refusals_in_the_real_order(crm):
    ticket = str(crm.record("tickets", "ticket_no", "TT1"))
    alice_id, session = crm.as_("alice@acme.example")
    assert crm.call("get_details", "999999", "HelpDesk", alice_id, session) == NA
    assert crm.call("get_details", ticket, "HelpDesk", alice_id, "wrong") is None
    assert crm.call("get_details", ticket, "HelpDesk", alice_id, True) is None
    assert crm.call("get_details", ticket, "Project", alice_id, session) == NA  # wrong module
    crm.hide_tab("HelpDesk")
    assert crm.call("get_details", ticket, "HelpDesk", alice_id, "wrong") == NA


def test_invoice_block_is_refused_by_get_details(crm):
    invoice = str(crm.record("invoices", "invoice_no", "INV1"))
    assert crm.call("get_details", invoice, "Invoice", *crm.as_("alice@acme.example")) == NA


def test_invoice_detail_matches_the_real_crm(crm):
    invoice = crm.record("invoices", "invoice_no", "INV1")
    result = crm.call("get_invoice_detail", str(invoice), "Invoice",
                      *crm.as_("alice@acme.example"))
    assert labels_and_blocks(result) == trace_labels("get_invoice_detail")
    assert list(result[0]["Invoice"][0]) == ["fieldlabel", "fieldvalue", "blockname"]
    got = values(result)
    assert got["Subject"] == (f'<a href="index.php?downloadfile=true&module=Invoice&action=index'
                              f'&id={invoice}">Invoice Widget order 2026</a>')
    assert (got["Invoice No"], got["Status"], got["Excise Duty"], got["Invoice Date"]) == \
        ("INV1", "Sent", "0.000", "2026-10-31")


def test_invoice_detail_refusals(crm):
    inv1 = str(crm.record("invoices", "invoice_no", "INV1"))
    inv2 = str(crm.record("invoices", "invoice_no", "INV2"))
    alice_id, session = crm.as_("alice@acme.example")
    assert crm.call("get_invoice_detail", inv1, "Invoice", *crm.as_("dave@globex.example")) == NA
    assert crm.call("get_invoice_detail", inv2, "Invoice", alice_id, session) == NA
    assert crm.call("get_invoice_detail", inv1, "Invoice", alice_id, "bad") is None
    assert values(crm.call("get_invoice_detail", inv1, "Invoice",
                           *crm.as_("bob@acme.example")))["Invoice No"] == "INV1"
    crm.set_show_all("Invoice", False)
    assert crm.call("get_invoice_detail", inv1, "Invoice", *crm.as_("bob@acme.example")) == NA
    crm.hide_tab("Invoice")
    assert crm.call("get_invoice_detail", inv1, "Invoice", alice_id, session) == NA


def test_service_contract_details_stub_extension(crm):
    contract = crm.record("service_contracts", "contract_no", "SERCON1")
    result = crm.call("get_details", str(contract), "ServiceContracts",
                      *crm.as_("bob@acme.example"))
    assert {block for _, block in labels_and_blocks(result)} == {"Service Contract Details"}
    got = values(result)
    assert (got["Subject"], got["Contract No"], got["Status"], got["Tracking Unit"]) == \
        ("Acme Support Contract 2026", "SERCON1", "In Progress", "Hours")
    assert (got["Total Units"], got["Used Units"]) == ("40.00", "12.50")
    assert got["Related to"] == \
        '<a href="index.php?module=Accounts&action=index&id=2">Acme Corporation</a>'


def test_service_contract_details_refusals(crm):
    contract = str(crm.record("service_contracts", "contract_no", "SERCON1"))
    alice_id, session = crm.as_("alice@acme.example")
    assert crm.call("get_details", contract, "ServiceContracts",
                    *crm.as_("dave@globex.example")) == NA
    assert crm.call("get_details", "7", "ServiceContracts", alice_id, session) == NA
    assert crm.call("get_details", contract, "ServiceContracts", alice_id, "wrong") is None
    crm.set_show_all("HelpDesk", False)  # the contract belongs to Acme, not to Alice herself
    assert crm.call("get_details", contract, "ServiceContracts", alice_id, session) == NA
    crm.set_show_all("HelpDesk", True)
    crm.store.execute("INSERT INTO portal_prefs(key, value)"
                      " VALUES ('service_contract_details', 'refuse')")
    assert crm.call("get_details", contract, "ServiceContracts", alice_id, session) == NA
    crm.store.execute("DELETE FROM portal_prefs WHERE key = 'service_contract_details'")
    assert values(crm.call("get_details", contract, "ServiceContracts", alice_id, session))
    crm.store.execute("UPDATE portal_modules SET enabled = 0 WHERE name = 'ServiceContracts'")
    assert crm.call("get_details", contract, "ServiceContracts", alice_id, session) == NA
