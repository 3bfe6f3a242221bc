"""Viewing one ticket: fields in the CRM's blocks, comment thread, attachments and downloads;
and what another customer's ticket id, a bad id or a disabled Documents module get."""

from __future__ import annotations

import datetime as dt

import requests
from babel.dates import format_datetime

from crm_stub.seed.a_core import LED_REPORT
from tests.integration.conftest import csrf_token_of, page

TT1, TT2, DAVES_TT6 = 12, 13, 17


def comment_thread(response: requests.Response) -> list[tuple[str, str, str]]:
    return [(li.xpath("normalize-space(.//span[@class='comment-author'])"),
             li.xpath("normalize-space(.//time)"),
             li.xpath("string(.//p[contains(@class,'comment-text')])"))
            for li in page(response).xpath("//ol[@class='comment-thread']/li")]


def attachment_links(response: requests.Response) -> list[tuple[str, str]]:
    return [(a.text_content(), a.get("href"))
            for a in page(response).xpath("//ul[@class='attachment-list']//a")]


def has_close_button(response: requests.Response) -> bool:
    return bool(page(response).xpath("//form[contains(@class,'close-form')]//button"))


def led_report_link(alice) -> str:
    links = dict(attachment_links(alice.get(f"/tickets/{TT1}")))
    return links["led-report.txt"]


def test_detail_shows_the_crms_blocks_and_the_ticket(alice):
    response = alice.get(f"/tickets/{TT1}")
    assert response.status_code == 200
    doc = page(response)
    assert doc.xpath("normalize-space(//h1)") == "TT1 Widget Pro does not start"
    assert doc.xpath("//section[contains(@class,'detail-block')]/h2/text()") == [
        "Ticket Information", "Description Details", "Ticket Resolution",
        "Service Contract Details"]
    fields = {div.xpath("string(dt)"): div.xpath("normalize-space(dd)")
              for div in doc.xpath("//div[@class='field']")}
    assert (fields["Priority"], fields["Status"], fields["Category"]) == (
        "High", "Open", "Big Problem")
    assert fields["Description"] == "It stays dark after power-on."
    assert doc.xpath("//dd/a[text()='Widget Pro']/@href") == ["/products/7"]
    assert doc.xpath("normalize-space(//span[contains(@class,'status-badge')])") == "Open"
    assert has_close_button(response)


def test_comment_thread_newest_first_with_authors_and_babel_times(stub_crm, alice):
    created = [dt.datetime.fromisoformat(row["created"]) for row in stub_crm.store.query(
        "SELECT created FROM ticket_comments WHERE ticket_id = ? ORDER BY created DESC",
        (TT1,))]
    assert comment_thread(alice.get(f"/tickets/{TT1}")) == [
        ("alice@acme.example", format_datetime(created[0], "medium", locale="en"),
         "The device shows a blinking red LED."),
        ("Admin Administrator", format_datetime(created[1], "medium", locale="en"),
         "Thanks Alice, please try holding the reset button for 10 seconds.")]


def test_attachments_listed_with_size_and_downloaded_byte_for_byte(alice):
    doc = page(alice.get(f"/tickets/{TT1}"))
    assert doc.xpath("normalize-space(//li[@class='attachment']/span[contains(@class,"
                     "'file-size')])") == f"{len(LED_REPORT)} byte"
    download = alice.browser.get(alice.portal_url + led_report_link(alice))
    assert download.status_code == 200
    assert download.content == LED_REPORT
    assert download.headers["Content-Disposition"] == "attachment; filename=led-report.txt"
    assert download.headers["Content-Type"].startswith("text/plain")


def test_a_file_not_listed_for_the_ticket_is_not_served(alice):
    link = led_report_link(alice)
    path, _, query = link.partition("?")
    file_id = path.rsplit("/", 1)[1]
    assert alice.get(f"{path}?name=other.txt").status_code == 404
    assert alice.get(f"/tickets/{TT2}/files/{file_id}?{query}").status_code == 404
    assert alice.get(f"/tickets/{TT1}/files/{file_id}").status_code == 404


def test_external_documents_are_links_only_when_http(stub_crm, alice):
    for url in ("https://docs.example.com/fix", "javascript:alert(1)"):
        document = stub_crm.store.new_entity("Documents", 1, 1)
        stub_crm.store.insert("documents", id=document, doc_no=f"DOC{document}", title=url,
                              filename=url, location_type="E", url=url)
        stub_crm.store.insert("document_relations", document_id=document, crmid=TT1)
    doc = page(alice.get(f"/tickets/{TT1}"))
    assert doc.xpath("//a[contains(@class,'external-file')]/@href") == [
        "https://docs.example.com/fix"]
    assert doc.xpath("//span[contains(@class,'external-file')]/text()") == [
        "javascript:alert(1)"]


def test_another_customers_ticket_is_refused_everywhere(stub_crm, alice):
    token = csrf_token_of(alice.get(f"/tickets/{TT1}"))
    detail = alice.get(f"/tickets/{DAVES_TT6}")
    assert detail.status_code == 403
    assert "センサー" not in detail.text
    file_id = stub_crm.store.scalar("SELECT attachment_id FROM documents LIMIT 1")
    assert alice.get(f"/tickets/{DAVES_TT6}/files/{file_id}?name=x.txt").status_code == 403
    for action, data in (("comments", {"comment": "hi"}), ("close", {}), ("files", {})):
        response = alice.browser.post(f"{alice.portal_url}/tickets/{DAVES_TT6}/{action}",
                                      data={"csrf_token": token, **data},
                                      files={"files": ("a.txt", b"x", "text/plain")})
        assert response.status_code == 403, action
    assert stub_crm.store.scalar("SELECT status FROM tickets WHERE id = ?", (DAVES_TT6,)) == "Open"
    assert stub_crm.store.query_one("SELECT 1 FROM ticket_comments WHERE content = 'hi'") is None


def test_bad_ids(alice):
    assert alice.get("/tickets/abc").status_code == 404
    assert alice.get("/tickets/12abc").status_code == 404
    assert alice.get("/tickets/-12").status_code == 404
    assert alice.get("/tickets/999999").status_code == 403
    assert alice.get(f"/tickets/{TT1}/files/abc?name=x").status_code == 404


def test_without_the_documents_module_the_attachments_section_is_hidden(stub_crm, alice):
    stub_crm.store.execute("UPDATE portal_modules SET visible = 0 WHERE name = 'Documents'")
    response = alice.get(f"/tickets/{TT1}")
    assert response.status_code == 200
    assert page(response).xpath("//section[@id='attachments']") == []
    assert comment_thread(response)[0][0] == "alice@acme.example"
    upload = alice.browser.post(f"{alice.portal_url}/tickets/{TT1}/files",
                                data={"csrf_token": csrf_token_of(response)},
                                files={"files": ("a.txt", b"x", "text/plain")})
    assert upload.status_code == 404


def test_german_detail_page(alice):
    alice.browser.headers["Accept-Language"] = "de"
    response = alice.get(f"/tickets/{TT1}")
    assert response.status_code == 200
    assert page(response).xpath("/html/@lang") == ["de"]
    assert page(response).xpath("normalize-space(//span[@class='ticket-number'])") == "TT1"
