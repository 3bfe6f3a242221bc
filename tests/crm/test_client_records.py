"""Result mapping, part 2: details, lists, product/service blocks, files, PDFs and failures."""

from __future__ import annotations

import base64

import pytest
from lxml import etree

from portalclient.crm import (Block, Cell, CrmClient, CrmSession, CrmTimeout,
                              Field, FileUnavailable, MalformedResponse, ModuleInactive,
                              NotAuthorized, PdfUnavailable, RecordRef, SessionExpired,
                              SoapFault, UnexpectedResponse)
from portalclient.crm.settings import CrmSettings
from tests.crm.conftest import answer, load_trace
from tests.crm.replay import Canned

SESSION = CrmSession("4", "LfMbJNzhsMqr", "alice@acme.example")
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
ARRAY_TYPE = "{http://schemas.xmlsoap.org/soap/encoding/}arrayType"
ALL_MODULES = "get_modules.direct"


def edited(name: str, edit) -> Canned:
    """A trace's answer after ``edit(return_element)``: real framing, a case the CRM can send."""
    root = etree.fromstring(load_trace(name).response)
    edit(root.find(".//return"))
    return Canned(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def test_ticket_detail_blocks(client, crm):
    answer(crm, "get_details.HelpDesk")
    detail = client.record(SESSION, "HelpDesk", "12")
    assert (detail.module, detail.record_id) == ("HelpDesk", "12")
    assert [(b.name, len(b.fields)) for b in detail.blocks] == [
        ("Ticket Information", 15), ("Description Details", 1), ("Ticket Resolution", 1),
        ("Service Contract Details", 4)]
    info = detail.blocks[0]
    assert info.fields[0] == Field("Title", Cell("Widget Pro does not start"))
    assert info.fields[1].cell.ref == RecordRef("Accounts", "2")
    assert info.fields[4].cell.ref == RecordRef("Products", "7")
    assert detail.value("Status") == Cell("Open")
    assert detail.blocks[3].fields[3] == Field("Available Units", Cell("40"))


@pytest.mark.parametrize(("name", "error"), [
    ("get_details.HelpDesk.foreign_ticket_not_authorized", NotAuthorized),
    ("get_details.HelpDesk.invalid_session", SessionExpired),
    ("get_details.module_not_in_portal", NotAuthorized)])
def test_detail_refusals(client, crm, name, error):
    answer(crm, name)
    with pytest.raises(error) as caught:
        client.record(SESSION, "HelpDesk", "15")
    assert caught.value.operation == "get_details"


def test_invoice_detail(client, crm):
    answer(crm, "get_invoice_detail")
    detail = client.invoice(SESSION, "25")
    first = detail.blocks[0]
    assert first.name == "Invoice Details"
    assert first.fields[0] == Field("Subject", Cell("Invoice Widget order 2026",
                                                    RecordRef("Invoice", "25")))
    assert first.fields[1] == Field("Invoice No", Cell("INV1"))
    assert detail.value("Status") == Cell("Sent")


def test_invoice_list(client, crm):
    answer(crm, "get_list_values.Invoice")
    table = client.records(SESSION, "Invoice", only_mine=False)
    assert table.module == "Invoice"
    assert table.columns == ("Invoice No", "Subject", "Sales Order", "Status", "Total",
                             "Assigned To", "Related To")
    assert table.rows == ((Cell("INV1"), Cell("Invoice Widget order 2026",
                                              RecordRef("Invoice", "25")),
                           Cell(""), Cell("Sent"), Cell("(€)2227.5"),
                           Cell("Admin Administrator"),
                           Cell("Alice Anderson", RecordRef("Contacts", "4"))),)


def test_list_module_inactive_and_dead_session(client, crm):
    answer(crm, "get_list_values.Documents.module_inactive", "get_list_values.invalid_session",
           "close_current_ticket.invalid_session")
    with pytest.raises(ModuleInactive):
        client.records(SESSION, "Documents", only_mine=False)
    with pytest.raises(SessionExpired):
        client.records(SESSION, "Invoice", only_mine=False)


def test_documents_of_a_faq_and_none(client, crm):
    answer(crm, "get_documents.faq", "get_documents.Documents", "get_ticket_creator.direct")
    table = client.documents_of(SESSION, "20")
    assert table.columns == ("Title", "FileName", "Created Time")
    assert table.rows[0][0] == Cell("Widget Pro Manual", RecordRef("Documents", "33"))
    assert table.rows[0][2] == Cell("2026-11-23 23:23:47")
    empty = client.documents_of(SESSION, "21")
    assert (empty.module, empty.columns, empty.rows) == ("Documents", (), ())


def test_project_lists(client, crm):
    answer(crm, "get_project_components.ProjectMilestone.direct", "get_project_tickets.direct")
    milestones = client.project_components(SESSION, "26", "ProjectMilestone")
    assert milestones.columns[0] == "Project Milestone Name"
    assert all(len(row) == len(milestones.columns) for row in milestones.rows)
    tickets = client.project_tickets(SESSION, "26")
    assert tickets.module == "HelpDesk"
    assert any(cell.ref and cell.ref.module == "HelpDesk" for cell in tickets.rows[0])


def test_product_tables_sources(client, crm):
    answer(crm, "get_product_list_values", ALL_MODULES)
    tables = client.product_tables(SESSION, only_mine=False)
    assert [t.source for t in tables] == ["related", "quotes", "invoices"]
    related = tables[0]
    assert related.columns == ("Product Name", "Part Number", "Commission Rate", "Qty/Unit",
                               "Unit Price", "Related To")
    assert related.rows[0] == (Cell("Widget Pro", RecordRef("Products", "7")), Cell("WP-100"),
                               Cell("0"), Cell("0.00"), Cell("(€)250"),
                               Cell("Acme Corporation", RecordRef("Accounts", "2")))


def _empty_quote_block_without_invoices(ret) -> None:
    """Block 2 (quotes) becomes ``{'Products': {'data': ''}}``; block 3 goes, as with the
    Invoice tab hidden."""
    ret.remove(ret[2])
    ret.set(ARRAY_TYPE, ":[2]")
    products = ret[1][0]
    for child in list(products):
        products.remove(child)
    etree.SubElement(products, "data").set(XSI_TYPE, "xsd:string")


def test_product_tables_with_an_empty_block_and_a_hidden_tab(client, crm):
    crm.queue(edited("get_product_list_values", _empty_quote_block_without_invoices))
    modules = load_trace(ALL_MODULES).response.replace(b"<item xsi:type=\"xsd:string\">Invoice"
                                                       b"</item>", b"")
    crm.queue(Canned(modules.replace(b":[13]", b":[12]")))
    tables = client.product_tables(SESSION, only_mine=True)
    assert [(t.source, t.columns, t.rows) for t in tables[1:]] == [("quotes", (), ())]
    assert tables[0].source == "related" and len(tables[0].rows) == 2


def test_service_tables(client, crm):
    answer(crm, "get_service_list_values.direct", ALL_MODULES)
    tables = client.service_tables(SESSION, only_mine=False)
    assert [t.source for t in tables] == ["related", "quotes", "invoices"]
    assert tables[0].rows[0][1] == Cell("Premium Support", RecordRef("Services", "10"))


def test_document_file(client, crm):
    answer(crm, "get_filecontent_detail.Documents.direct")
    file = client.document_file(SESSION, "Documents", "33")
    assert (file.filename, file.content_type, len(file.data)) == (
        "widget-pro-manual.txt", "text/plain", 163)
    assert file.data.startswith(b"Widget Pro - Quick Start Manual\n")


def test_document_file_with_truncated_content_is_refused(client, crm):
    def truncate(ret):
        contents = ret.find(".//filecontents")
        contents.text = base64.b64encode(b"short").decode()
    crm.queue(edited("get_filecontent_detail.Documents.direct", truncate))
    with pytest.raises(UnexpectedResponse) as caught:
        client.document_file(SESSION, "Documents", "33")
    assert "163" in str(caught.value)


def test_ticket_file_wrong_name(client, crm):
    answer(crm, "get_filecontent.wrong_filename", "get_ticket_creator.direct")
    with pytest.raises(FileUnavailable):
        client.ticket_file(SESSION, "12", "36", "wrong.txt")


def test_ticket_file_garbage_base64_is_refused(client, crm):
    def garble(ret):
        ret[0].text = "not*base64!"
    crm.queue(edited("get_filecontent.direct", garble))
    with pytest.raises(UnexpectedResponse) as caught:
        client.ticket_file(SESSION, "12", "36", "led-report.txt")
    assert "base64" in str(caught.value)


def test_pdf(client, crm):
    pdf = b"%PDF-1.4 fake"

    def fill(ret):
        ret.set(ARRAY_TYPE, ":[1]")
        item = etree.SubElement(ret, "item")
        item.set(XSI_TYPE, "xsd:string")
        item.text = base64.b64encode(pdf).decode()
    crm.queue(edited("get_pdf.Quotes", fill))
    assert client.pdf(SESSION, "Quotes", "24") == pdf


@pytest.mark.parametrize("name", ["get_pdf.Quotes", "get_pdf.Invoice"])
def test_pdf_unavailable(client, crm, name):
    answer(crm, name)
    with pytest.raises(PdfUnavailable) as caught:
        client.pdf(SESSION, "Invoice", "25")
    assert caught.value.operation == "get_pdf"


@pytest.mark.parametrize("name", ["fault.unknown_operation", "get_cf_field_details",
                                  "get_product_urllist.unimplemented"])
def test_faults(client, crm, name):
    answer(crm, name)
    with pytest.raises(SoapFault) as caught:
        client.product_urls(SESSION, "7")
    assert caught.value.faultcode == "SOAP-ENV:Client"


def test_empty_http_500(client, crm):
    answer(crm, "close_current_ticket.unpatched_php8_fatal")
    with pytest.raises(MalformedResponse) as caught:
        client.close_ticket(SESSION, "13")
    assert caught.value.operation == "close_current_ticket"


def test_html_error_page(client, crm):
    crm.queue(Canned(b"<html><body>Fatal error</body></html>", content_type="text/html"))
    with pytest.raises(MalformedResponse) as caught:
        client.modules()
    assert caught.value.operation == "get_modules"


def test_timeout_through_the_client(crm):
    crm.queue(Canned(load_trace("get_modules").response, delay=1.2))
    client = CrmClient(CrmSettings(server_path=crm.url, timeout=0.5))
    with pytest.raises(CrmTimeout):
        client.modules()


def test_detail_keeps_repeated_block_names_apart():
    from portalclient.crm.tables import record_detail
    detail = record_detail([{"Contacts": [
        {"fieldlabel": "a", "blockname": "X", "fieldvalue": "1"},
        {"fieldlabel": "b", "blockname": "Y", "fieldvalue": 2},
        {"fieldlabel": "c", "blockname": "X", "fieldvalue": None}]}], "Contacts", "4")
    assert detail.blocks == (Block("X", (Field("a", Cell("1")),)),
                             Block("Y", (Field("b", Cell("2")),)),
                             Block("X", (Field("c", Cell("")),)))
