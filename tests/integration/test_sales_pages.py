"""Invoices and quotes: lists, Mine / All, details with totals, PDFs, refusals, over real HTTP."""

from __future__ import annotations

import requests

from tests.integration.conftest import (empty_text, flash_texts, headers, log_in_as, page,
                                        record_id, table_rows)

# The stub's seed data (crm_stub/seed/b_records.py), as the portal shows it in English.
INV1_ROW = ["INV1", "Invoice Widget order 2026", "", "Sent", "€\u00a05,168.94",
            "Admin Administrator", "Alice Anderson"]
QUO1_ROW = ["QUO1", "Quote for Widget rollout", "Delivered", "", "Acme Corporation",
            "€\u00a04,899.00", "Admin Administrator", "Alice Anderson"]












def test_invoice_list_shows_alices_invoice_with_the_crms_columns(alice_r, store):
    response = alice_r.get("/invoices")
    assert response.status_code == 200
    assert headers(response, "invoices") == ["Invoice No", "Subject", "Sales Order", "Status",
                                             "Total", "Assigned To", "Related To"]
    assert table_rows(response, "invoices") == [INV1_ROW]
    link = page(response).xpath("//table[@id='invoices']//a[text()='Invoice Widget order 2026']"
                                "/@href")
    assert link == [f"/invoices/{record_id(store, 'invoices', 'invoice_no', 'INV1')}"]
    menu = page(response).xpath("//nav[@class='module-menu']//a")
    assert [a.get("aria-current") for a in menu if a.text == "Invoices"] == ["page"]


def test_quote_list_shows_alices_quote(alice_r):
    response = alice_r.get("/quotes")
    assert table_rows(response, "quotes") == [QUO1_ROW]


def test_mine_and_all_for_a_colleague(bob_r):
    bob = bob_r
    mine = bob.get("/invoices")
    assert table_rows(mine, "invoices") == []
    assert empty_text(mine) == "There are no invoices for you yet."
    assert page(mine).xpath("//nav[@class='scope-switch']/a[@aria-current='page']/text()") == [
        "Mine"]
    everything = bob.get("/invoices", params={"scope": "all"})
    assert table_rows(everything, "invoices") == [INV1_ROW]
    assert table_rows(bob.get("/quotes", params={"scope": "all"}), "quotes") == [QUO1_ROW]


def test_search_and_sort_are_local(alice_r):
    assert table_rows(alice_r.get("/invoices", params={"q": "widget sent"}), "invoices") == [
        INV1_ROW]
    nothing = alice_r.get("/invoices", params={"q": "Счёт"})
    assert table_rows(nothing, "invoices") == []
    assert empty_text(nothing) == "Nothing matches your search."
    sorted_desc = alice_r.get("/invoices", params={"sort": "4", "dir": "desc", "q": "inv"})
    assert page(sorted_desc).xpath("//th[@aria-sort]/a/text()")[0].strip() == "Total"
    assert page(sorted_desc).xpath("//th[@aria-sort]/@aria-sort") == ["descending"]
    assert page(sorted_desc).xpath("//form[@role='search']//input[@name='q']/@value") == ["inv"]


def test_invoice_detail_shows_total_currency_blocks_and_the_line_item_note(alice_r, store):
    invoice = record_id(store, "invoices", "invoice_no", "INV1")
    response = alice_r.get(f"/invoices/{invoice}")
    assert response.status_code == 200
    html = page(response)
    assert html.xpath("normalize-space(//h1)") == "INV1 Invoice Widget order 2026"
    assert html.xpath("normalize-space(//dl[@class='sales-total']//dd[@class='amount'])") == \
        "€\u00a05,168.94"
    assert html.xpath("normalize-space(//dd[@class='currency'])") == "€"
    assert html.xpath("//section[contains(@class,'detail-block')]/h2/text()") == [
        "Invoice Details", "Address Details", "Conclusion", "Cover Letter"]
    fields = {dt.text_content().strip(): dd.text_content().strip()
              for dt, dd in zip(html.xpath("//dl[@class='fields']//dt"),
                                html.xpath("//dl[@class='fields']//dd"))}
    assert (fields["Invoice No"], fields["Status"]) == ("INV1", "Sent")
    assert "line items" in html.xpath("normalize-space(//p[@id='line-items-note'])")
    assert html.xpath("//a[@id='pdf-link']/@href") == [f"/invoices/{invoice}/pdf"]


def test_quote_detail_shows_its_total(alice_r, store):
    quote = record_id(store, "quotes", "quote_no", "QUO1")
    html = page(alice_r.get(f"/quotes/{quote}"))
    assert html.xpath("normalize-space(//h1)") == "QUO1 Quote for Widget rollout"
    assert html.xpath("normalize-space(//dd[@class='amount'])") == "€\u00a04,899.00"
    assert "Quote Details" in html.xpath("//section[contains(@class,'detail-block')]/h2/text()")


def test_invoice_pdf_is_a_named_pdf_attachment(alice_r, store):
    invoice = record_id(store, "invoices", "invoice_no", "INV1")
    response = alice_r.get(f"/invoices/{invoice}/pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=Invoice-INV1.pdf"


def test_quote_pdf_is_named_after_the_quote(alice_r, store):
    quote = record_id(store, "quotes", "quote_no", "QUO1")
    response = alice_r.get(f"/quotes/{quote}/pdf")
    assert response.content.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == "attachment; filename=Quote-QUO1.pdf"


def test_pdf_the_crm_cannot_render_gives_a_message_not_a_file(alice, stub_crm):
    invoice = record_id(stub_crm.store, "invoices", "invoice_no", "INV1")
    stub_crm.store.execute("INSERT INTO portal_prefs(key, value)"
                           " VALUES ('pdf_unavailable', 'INV1')")
    response = alice.get(f"/invoices/{invoice}/pdf")
    assert response.status_code == 200
    assert response.url.endswith(f"/invoices/{invoice}")
    assert response.headers["Content-Type"].startswith("text/html")
    assert flash_texts(response) == [
        "The support system could not produce a PDF of this invoice. Please try again later."]
    assert page(response).xpath("normalize-space(//dd[@class='amount'])") == "€\u00a05,168.94"


def test_another_companys_invoice_is_refused_without_its_data(alice_r, store):
    daves = record_id(store, "invoices", "invoice_no", "INV2")
    for path in (f"/invoices/{daves}", f"/invoices/{daves}/pdf"):
        response = alice_r.get(path)
        assert response.status_code == 403, path
        assert "INV2" not in response.text and "Sensor Kit" not in response.text
        assert not response.content.startswith(b"%PDF")
    erins_quote = record_id(store, "quotes", "quote_no", "QUO2")
    assert alice_r.get(f"/quotes/{erins_quote}").status_code == 403


def test_bad_record_ids_are_not_found(alice_r):
    for path in ("/invoices/abc", "/invoices/12x", "/invoices/%C2%B2", "/quotes/-1/pdf",
                 "/quotes/1.5"):
        assert alice_r.get(path).status_code == 404, path


def test_module_disabled_in_the_crm_is_not_found(stub_crm, portal_url, browser):
    stub_crm.store.execute("UPDATE portal_modules SET visible = 0 WHERE name = 'Invoice'")
    alice = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    invoice = record_id(stub_crm.store, "invoices", "invoice_no", "INV1")
    for path in ("/invoices", f"/invoices/{invoice}", f"/invoices/{invoice}/pdf"):
        assert alice.get(path).status_code == 404, path
    menu = page(alice.get("/quotes")).xpath("//nav[@class='module-menu']//a/text()")
    assert "Quotes" in menu and "Invoices" not in menu


def test_pages_need_a_login(demo):
    response = requests.get(f"{demo[1]}/invoices", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/invoices"


def test_german_pages_render(alice_r, store):
    alice_r.browser.headers["Accept-Language"] = "de"
    invoice = record_id(store, "invoices", "invoice_no", "INV1")
    for path in ("/invoices", f"/invoices/{invoice}", "/quotes"):
        response = alice_r.get(path)
        assert response.status_code == 200, path
        assert page(response).xpath("/html/@lang") == ["de"]
    detail = page(alice_r.get(f"/invoices/{invoice}"))
    assert detail.xpath("normalize-space(//dd[@class='amount'])") == "€\u00a05.168,94"


def test_long_lists_are_paged_and_sorted_by_amount(alice, stub_crm):
    store = stub_crm.store
    for number in range(2, 14):  # INV100 … INV111 for Alice, totals 100 … 1200
        invoice = store.new_entity("Invoice", 1)
        store.insert("invoices", id=invoice, invoice_no=f"INV{98 + number}",
                     subject=f"Monthly service {number:02d}", contact_id=alice.contact_id,
                     total=100.0 * (number - 1), subtotal=100.0 * (number - 1))
    first = alice.get("/invoices", params={"per_page": 10, "sort": "4"})
    assert [row[0] for row in table_rows(first, "invoices")] == [
        f"INV{99 + n}" for n in range(1, 11)]
    assert page(first).xpath("normalize-space(//nav[@class='pager']/span)") == "Page 1 of 2"
    assert page(first).xpath("normalize-space(//p[contains(@class,'pager-range')])") == \
        "Showing 1–10 of 13"
    second = alice.get(page(first).xpath("//nav[@class='pager']/a[@rel='next']/@href")[0])
    assert [row[0] for row in table_rows(second, "invoices")] == ["INV110", "INV111", "INV1"]
    assert "page=2" in second.url
