"""get_list_values (T2) and the product/service lists (T3): columns, values, visibility."""

from __future__ import annotations

import pytest

from tests.stub.records_support import INACTIVE, table

ALICE_ANCHOR = '<a href="index.php?module=Contacts&action=index&id=4">Alice Anderson</a>'
ACME_ANCHOR = '<a href="index.php?module=Accounts&action=index&id=2">Acme Corporation</a>'
HEADS = {
    "Invoice": ["Invoice No", "Subject", "Sales Order", "Status", "Total", "Assigned To",
                "Related To"],
    "Quotes": ["Quote Number", "Subject", "Quote Stage", "Opportunity Name", "Organization Name",
               "Total", "Assigned To", "Related To"],
    "Documents": ["Title", "File Name", "Modified Time", "Assigned To", "Folder Name",
                  "Related To"],
    "Contacts": ["First Name", "Last Name", "Title", "Organization Name", "Primary Email",
                 "Office Phone", "Assigned To"],
    "Project": ["Project name", "Start date", "Status", "Type", "Assigned To", "Related To"],
    "Assets": ["Asset No", "Asset Name", "Customer Name", "Product Name", "Related To"],
}


def list_values(crm, email, module, only_mine=None):
    contact, session = crm.as_(email)
    return crm.call("get_list_values", contact, module, session, only_mine)


@pytest.mark.parametrize("module", sorted(HEADS))
def test_heads_are_the_berlicrm_defaults(crm, module):
    head, rows = table(list_values(crm, "alice@acme.example", module), module)
    assert head == HEADS[module] and rows


def test_invoice_row(crm):
    invoice = crm.record("invoices", "invoice_no", "INV1")
    _, rows = table(list_values(crm, "alice@acme.example", "Invoice"), "Invoice")
    # 2 x 1200 + 3 x 349.5 - 10 % + 4 x 250 = 4343.65, plus 19 % tax = 5168.94
    assert rows == [["INV1", f'<a href="index.php?&module=Invoice&action=index&status=true'
                     f'&id={invoice}">Invoice Widget order 2026</a>', "", "Sent",
                     "(&euro;)5168.94", "Admin Administrator", ALICE_ANCHOR]]


def test_quote_row(crm):
    quote = crm.record("quotes", "quote_no", "QUO1")
    _, rows = table(list_values(crm, "alice@acme.example", "Quotes"), "Quotes")
    assert rows == [["QUO1", f'<a href="index.php?&module=Quotes&action=index&id={quote}">'
                     "Quote for Widget rollout</a>", "Delivered", "", ACME_ANCHOR,
                     "(&euro;)4899", "Admin Administrator", ALICE_ANCHOR]]


def test_colleague_sees_org_records_unless_only_mine_or_show_all_off(crm):
    _, rows = table(list_values(crm, "bob@acme.example", "Invoice"), "Invoice")
    assert [row[0] for row in rows] == ["INV1"]
    assert list_values(crm, "bob@acme.example", "Invoice", "true") is None
    crm.set_show_all("Invoice", False)
    assert list_values(crm, "bob@acme.example", "Invoice", "false") is None


def test_other_company_sees_only_its_own(crm):
    _, rows = table(list_values(crm, "dave@globex.example", "Invoice"), "Invoice")
    assert [row[0] for row in rows] == ["INV2"]
    assert rows[0][1].endswith(">Счёт за Sensor Kit</a>")
    _, rows = table(list_values(crm, "dave@globex.example", "Project"), "Project")
    assert [row[0].split(">")[1] for row in rows] == ["Globex Sensor Rollout</a"]


def test_document_rows_per_related_entity(crm):
    _, rows = table(list_values(crm, "alice@acme.example", "Documents"), "Documents")
    by_title = {row[0].split(">")[1][:-3]: row for row in rows}
    assert sorted(by_title) == ["Old brochure", "Price list 2027", "Widget Pro Manual"]
    manual = crm.record("documents", "title", "Widget Pro Manual")
    assert by_title["Widget Pro Manual"][1] == (
        f'<a href="index.php?&downloadfile=true&folderid=1&filename=widget-pro-manual.txt'
        f'&module=Documents&action=index&id={manual}">widget-pro-manual.txt</a>')
    assert 'onclick = "updateCount(' in by_title["Price list 2027"][1]
    assert by_title["Old brochure"][1] == "brochure-2019.pdf"  # inactive: plain name
    assert by_title["Old brochure"][5] == ALICE_ANCHOR
    assert by_title["Widget Pro Manual"][4] == "Default"


def test_contacts_and_only_mine(crm):
    _, rows = table(list_values(crm, "alice@acme.example", "Contacts"), "Contacts")
    assert [row[4] for row in rows] == ["alice@acme.example", "bob@acme.example"]
    assert rows[1][0] == '<a href="index.php?module=Contacts&action=index&id=5">Bob</a>'
    _, rows = table(list_values(crm, "alice@acme.example", "Contacts", "true"), "Contacts")
    assert [row[4] for row in rows] == ["alice@acme.example"]


def test_assets_are_the_organizations_whatever_only_mine(crm):
    for only_mine in (None, "true"):
        _, rows = table(list_values(crm, "alice@acme.example", "Assets", only_mine), "Assets")
        assert [row[0] for row in rows] == ["ASSET1", "ASSET2"]
    assert rows[0][3] == '<a href="index.php?module=Products&action=index&id=7">Widget Pro</a>'
    _, rows = table(list_values(crm, "dave@globex.example", "Assets"), "Assets")
    assert [row[0] for row in rows] == ["ASSET3"]


def test_hidden_column_is_dropped(crm):
    crm.store.execute("INSERT INTO hidden_fields VALUES ('Invoice', 'sales_order')")
    head, rows = table(list_values(crm, "alice@acme.example", "Invoice"), "Invoice")
    assert "Sales Order" not in head and len(rows[0]) == len(head) == 6


def test_list_refusals(crm):
    contact, _ = crm.as_("alice@acme.example")
    assert crm.call("get_list_values", contact, "Invoice", "bad", None) is None
    assert crm.call("get_list_values", contact, "HelpDesk", "sess-alice", None) is None
    crm.hide_tab("Documents")
    assert crm.call("get_list_values", contact, "Documents", "bad", None) == INACTIVE


def blocks(result, module):
    """Per T3 block: list of (name anchor text, related anchor) or '' for an empty block."""
    out = []
    for block in result:
        data = block[module]["data"]
        out.append(data if data == "" else [(row[0 if module == "Products" else 1]["fielddata"]
                                            .split(">")[1][:-3], row[5]["fielddata"])
                                           for row in data])
    return out


def test_product_blocks(crm):
    contact, session = crm.as_("alice@acme.example")
    result = crm.call("get_product_list_values", contact, "Products", session, None)
    assert blocks(result, "Products") == [
        [("Widget Pro", ALICE_ANCHOR), ("Sensor Kit", ACME_ANCHOR)],
        [("Widget Pro", ALICE_ANCHOR)],
        [("Widget Pro", ALICE_ANCHOR), ("Sensor Kit", ALICE_ANCHOR)]]
    head = [cell["fielddata"] for cell in result[0]["Products"]["head"][0]]
    assert head == ["Product Name", "Part Number", "Commission Rate", "Qty/Unit", "Unit Price",
                    "Related To"]
    first = [cell["fielddata"] for cell in result[0]["Products"]["data"][0]]
    assert first[1:5] == ["WP-100", 2.5, "1.00", "(&euro;)1200"]
    mine = crm.call("get_product_list_values", contact, "Products", session, "true")
    assert blocks(mine, "Products")[0] == [("Widget Pro", ALICE_ANCHOR)]


def test_product_blocks_follow_tabs_and_empty_blocks(crm):
    contact, session = crm.as_("erin@globex.example")
    result = crm.call("get_product_list_values", contact, "Products", session, "true")
    assert result[0] == {"Products": {"data": ""}}
    assert result[2] == {"Products": {"data": ""}}
    assert blocks(result, "Products")[1][0][0] == "Sensor Kit"
    crm.hide_tab("Quotes")
    assert len(crm.call("get_product_list_values", contact, "Products", session, "true")) == 2
    crm.hide_tab("Products")
    assert crm.call("get_product_list_values", contact, "Products", "bad", None) == INACTIVE


def test_service_blocks(crm):
    contact, session = crm.as_("alice@acme.example")
    result = crm.call("get_service_list_values", contact, "Services", session, None)
    assert blocks(result, "Services") == [[("Premium Support", ALICE_ANCHOR)],
                                          [("Installation Service", ALICE_ANCHOR)],
                                          [("Premium Support", ALICE_ANCHOR)]]
    row = [cell["fielddata"] for cell in result[1]["Services"]["data"][0]]
    assert row[0] == "SER2" and row[2:5] == [5.0, "1.00", "(&euro;)99"]
    assert crm.call("get_service_list_values", contact, "Services", "bad", None) is None
