"""Quote and invoice PDFs: real fpdf2 output, Unicode-safe, behind check_permission."""

from __future__ import annotations

import base64

import pytest

from crm_stub import pdf
from crm_stub.operations.records import load_record, pdf_document
from tests.stub.records_support import NA

UNICODE_FONT = pdf.find_unicode_font()


def sample(subject="Счёт за Sensor Kit – センサー / فارسی / Größe") -> pdf.PdfDocument:
    return pdf.PdfDocument(
        kind="Invoice", number="INV9", subject=subject, issued="2026-11-01",
        company=("Stub CRM Demo Company",), customer=("Globex Ltd", "Dave Dawson"),
        currency="EUR", subtotal=699.0, tax_percent=20, total=838.8,
        lines=(pdf.PdfLine("Sensor Kit", 2, 349.5, 0, 699.0, "Доставка включена 日本"),))


def test_core_font_fallback_keeps_latin_text_and_replaces_the_rest():
    data = pdf.render_pdf(sample(), use_system_font=False, compress=False)
    assert data.startswith(b"%PDF-")
    assert b"Invoice INV9" in data and b"Sensor Kit" in data and b"Globex Ltd" in data
    assert pdf.to_latin1("Größe – Счёт") == "Große ? ????"


@pytest.mark.skipif(UNICODE_FONT is None, reason="no Unicode TTF font on this system")
def test_unicode_font_replaces_missing_glyphs_without_warning():
    data = pdf.render_pdf(sample(), font_path=UNICODE_FONT)  # filterwarnings=error
    assert data.startswith(b"%PDF-") and b"/Title (Invoice INV9)" in data
    assert b"FontFile2" in data  # the TrueType font is embedded


def test_invoice_pdf_from_the_operation(crm):
    invoice = crm.record("invoices", "invoice_no", "INV1")
    result = crm.call("get_pdf", str(invoice), "Invoice", *crm.as_("alice@acme.example"))
    data = base64.b64decode(result[0], validate=True)
    assert data.startswith(b"%PDF-") and b"/Title (Invoice INV1)" in data
    document = pdf_document(crm.ctx, "Invoice", load_record(crm.ctx, "Invoice", invoice))
    assert (document.subtotal, document.total, document.currency) == (4343.65, 5168.94, "EUR")
    assert [line.name for line in document.lines] == ["Widget Pro", "Sensor Kit",
                                                      "Premium Support"]
    assert document.lines[1].amount == 943.65
    assert document.customer[:2] == ("Acme Corporation", "Alice Anderson")
    plain = pdf.render_pdf(document, use_system_font=False, compress=False)
    assert b"INV1" in plain and b"Premium Support" in plain and b"5,168.94" in plain


def test_quote_pdf_from_the_operation(crm):
    quote = crm.record("quotes", "quote_no", "QUO2")
    result = crm.call("get_pdf", str(quote), "Quotes", *crm.as_("erin@globex.example"))
    assert base64.b64decode(result[0]).startswith(b"%PDF-")
    document = pdf_document(crm.ctx, "Quotes", load_record(crm.ctx, "Quotes", quote))
    # 10 x 349.5 - 5 % = 3320.25, + 22 % tax = 4050.705 -> 4050.71
    assert (document.kind, document.number, document.total) == ("Quote", "QUO2", 4050.71)


def test_pdf_refusals(crm):
    invoice = str(crm.record("invoices", "invoice_no", "INV1"))
    alice_id, session = crm.as_("alice@acme.example")
    assert crm.call("get_pdf", invoice, "Invoice", *crm.as_("dave@globex.example")) == NA
    assert crm.call("get_pdf", invoice, "Invoice", alice_id, "bad") is None
    assert crm.call("get_pdf", "7", "Products", alice_id, session) == []
    crm.hide_tab("Invoice")
    assert crm.call("get_pdf", invoice, "Invoice", alice_id, "bad") == NA


def test_pdf_unavailable_preference_makes_listed_pdfs_fail_like_the_crm(crm):
    inv1 = str(crm.record("invoices", "invoice_no", "INV1"))
    quo1 = str(crm.record("quotes", "quote_no", "QUO1"))
    alice = crm.as_("alice@acme.example")
    crm.store.execute("INSERT INTO portal_prefs(key, value) VALUES ('pdf_unavailable', 'INV1')")
    assert crm.call("get_pdf", inv1, "Invoice", *alice) == []
    assert base64.b64decode(crm.call("get_pdf", quo1, "Quotes", *alice)[0]).startswith(b"%PDF-")
    assert crm.call("get_pdf", inv1, "Invoice", *crm.as_("dave@globex.example")) == NA
    crm.store.execute("UPDATE portal_prefs SET value = '*' WHERE key = 'pdf_unavailable'")
    assert crm.call("get_pdf", quo1, "Quotes", *alice) == []
