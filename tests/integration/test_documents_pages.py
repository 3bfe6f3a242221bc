"""Documents pages against the stub CRM over HTTP: list, detail, download, links, upload."""

from __future__ import annotations

import requests

from crm_stub.seed.a_core import MANUAL
from tests.integration.conftest import log_in_again, log_in_as, page

# The stub's seed (crm_stub/seed): Alice's own document, and Acme's.
ALICE_TITLES = ["Old brochure"]
ACME_TITLES = ["Widget Pro Manual", "Price list 2027", "Old brochure"]


def document_id(stub_crm, title: str) -> int:
    return stub_crm.store.scalar("SELECT id FROM documents WHERE title = ?", (title,))


def download_count(stub_crm, record_id: int) -> int:
    return stub_crm.store.scalar("SELECT download_count FROM documents WHERE id = ?",
                                 (record_id,))


def titles(response: requests.Response) -> list[str]:
    return [text.strip() for text in page(response).xpath(
        "//table[@id='documents']/tbody/tr/td[1]//a/text()")]


def column(response: requests.Response, label: str) -> list[str]:
    return [cell.text_content().strip() for cell in page(response).xpath(
        f"//table[@id='documents']/tbody/tr/td[@data-label='{label}']")]


def test_list_mine_and_all_with_links_to_the_portal(stub_crm, alice):
    mine = alice.get("/documents")
    assert mine.status_code == 200
    assert titles(mine) == ALICE_TITLES
    everything = alice.get("/documents", params={"scope": "all"})
    assert titles(everything) == ACME_TITLES
    manual, prices = document_id(stub_crm, "Widget Pro Manual"), document_id(stub_crm,
                                                                               "Price list 2027")
    links = page(everything).xpath("//table[@id='documents']/tbody/tr[1]/td[position()<3]//a")
    assert [(a.text, a.get("href")) for a in links] == [
        ("Widget Pro Manual", f"/documents/{manual}"),
        ("widget-pro-manual.txt", f"/documents/{manual}/download")]
    external = page(everything).xpath("//table[@id='documents']/tbody/tr[2]/td[2]//a")[0]
    assert (external.text, external.get("href")) == (
        "https://example.com/prices-2027.pdf", f"/documents/{prices}/open")
    assert column(everything, "Related To") == ["Acme Corporation", "Acme Corporation",
                                                "Alice Anderson"]
    assert "Documents" in page(mine).xpath("//nav[@class='module-menu']//a/text()")


def test_a_document_related_twice_is_listed_once(stub_crm, alice):
    manual = document_id(stub_crm, "Widget Pro Manual")
    stub_crm.store.insert("document_relations", document_id=manual, crmid=alice.contact_id)
    everything = alice.get("/documents", params={"scope": "all"})
    assert titles(everything) == ACME_TITLES
    related = page(everything).xpath(
        f"//tr[@data-document='{manual}']/td[@data-label='Related To']//text()")
    assert [text.strip() for text in related if text.strip()] == [
        "Acme Corporation", "Alice Anderson"]
    assert titles(alice.get("/documents")) == ["Widget Pro Manual", "Old brochure"]


def test_search_sort_and_paging(stub_crm, alice):
    found = alice.get("/documents", params={"scope": "all", "q": "PRICE"})
    assert titles(found) == ["Price list 2027"]
    none = alice.get("/documents", params={"scope": "all", "q": "nothing like this"})
    assert titles(none) == []
    assert page(none).xpath("string(//p[@class='empty'])") == "No documents match your search."
    by_title = alice.get("/documents", params={"scope": "all", "sort": "0", "dir": "desc"})
    assert titles(by_title) == ["Widget Pro Manual", "Price list 2027", "Old brochure"]
    by_title = alice.get("/documents", params={"scope": "all", "sort": "0"})
    assert titles(by_title) == ["Old brochure", "Price list 2027", "Widget Pro Manual"]
    for number in range(10):
        record_id = stub_crm.store.new_entity("Documents", 1)
        stub_crm.store.insert("documents", id=record_id, title=f"Extra {number:02d}",
                              filename=f"extra-{number}.txt", filetype="text/plain")
        stub_crm.store.insert("document_relations", document_id=record_id,
                              crmid=alice.contact_id)
    second = log_in_again(stub_crm, alice).get("/documents",
                                               params={"per_page": "10", "page": "2"})
    assert titles(second) == ["Extra 09"]
    assert page(second).xpath("string(//p[contains(@class,'pager-range')])").strip() == (
        "Showing 11–11 of 11")


def test_empty_list_says_so(stub_crm, alice):
    stub_crm.store.execute("DELETE FROM document_relations WHERE crmid = ?", (alice.contact_id,))
    response = alice.get("/documents")
    assert titles(response) == []
    assert page(response).xpath("string(//p[@class='empty'])") == "You have no documents yet."


def test_detail_shows_the_crm_blocks_and_a_download_button(stub_crm, alice):
    manual = document_id(stub_crm, "Widget Pro Manual")
    detail = page(alice.get(f"/documents/{manual}"))
    assert detail.xpath("string(//h1)") == "Widget Pro Manual"
    assert detail.xpath("//section[contains(@class,'detail-block')]/h2/text()") == [
        "Basic Information", "File Details", "Description"]
    fields = {dt.text: dd.text_content().strip() for dt, dd in zip(
        detail.xpath("//dl[@class='fields']//dt"), detail.xpath("//dl[@class='fields']//dd"))}
    assert fields["Document No"] == f"DOC{manual}"
    assert fields["File Size"] == f"{len(MANUAL)} B"
    assert fields["File Name"] == "widget-pro-manual.txt"
    assert detail.xpath("//div[@class='page-actions']/a/@href") == [
        f"/documents/{manual}/download"]


def test_download_sends_the_file_and_the_crm_counts_it(stub_crm, alice):
    manual = document_id(stub_crm, "Widget Pro Manual")
    response = alice.get(f"/documents/{manual}/download")
    assert response.status_code == 200
    assert response.content == MANUAL
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=widget-pro-manual.txt")
    assert download_count(stub_crm, manual) == 1


def test_external_document_link_is_counted_then_followed(stub_crm, alice):
    prices = document_id(stub_crm, "Price list 2027")
    detail = page(alice.get(f"/documents/{prices}"))
    assert detail.xpath("//div[@class='page-actions']/a/@href") == [f"/documents/{prices}/open"]
    response = alice.get(f"/documents/{prices}/open", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "https://example.com/prices-2027.pdf"
    assert download_count(stub_crm, prices) == 1
    manual = document_id(stub_crm, "Widget Pro Manual")
    assert alice.get(f"/documents/{manual}/open", allow_redirects=False).status_code == 404
    assert download_count(stub_crm, manual) == 0


def test_unsafe_external_url_is_never_followed(stub_crm, alice):
    prices = document_id(stub_crm, "Price list 2027")
    stub_crm.store.execute("UPDATE documents SET url = ?, filename = ? WHERE id = ?",
                           ("javascript:alert(1)", "javascript:alert(1)", prices))
    response = alice.get(f"/documents/{prices}/open", allow_redirects=False)
    assert response.status_code == 404
    assert download_count(stub_crm, prices) == 0
    listed = alice.get("/documents", params={"scope": "all"})
    assert "javascript:" not in "".join(page(listed).xpath("//a/@href"))


def test_another_companys_document_is_refused(stub_crm, alice):
    globex = document_id(stub_crm, "Sensor Kit 取扱説明書")
    for path in (f"/documents/{globex}", f"/documents/{globex}/download",
                 f"/documents/{globex}/open"):
        response = alice.get(path, allow_redirects=False)
        assert response.status_code == 403, path
        assert "Sensor Kit" not in response.text
    assert download_count(stub_crm, globex) == 0


def test_bad_ids_are_not_found(stub_crm, alice):
    for path in ("/documents/abc", "/documents/1x/download", "/documents/-3/open"):
        assert alice.get(path, allow_redirects=False).status_code == 404, path


def test_documents_disabled_in_the_crm_is_not_found(stub_crm, browser, portal_url):
    stub_crm.store.execute("UPDATE portal_modules SET visible = 0 WHERE name = 'Documents'")
    customer = log_in_as(stub_crm, browser, portal_url, "alice@acme.example")
    manual = document_id(stub_crm, "Widget Pro Manual")
    for path in ("/documents", f"/documents/{manual}", f"/documents/{manual}/download",
                 "/documents/upload"):
        assert customer.get(path).status_code == 404, path
    assert "Documents" not in page(customer.get("/")).xpath(
        "//nav[@class='module-menu']//a/text()")


def test_german_documents_pages_render(stub_crm, alice):
    alice.browser.headers["Accept-Language"] = "de"
    response = alice.get("/documents", params={"scope": "all"})
    assert response.status_code == 200
    assert page(response).xpath("string(/html/@lang)") == "de"
    assert titles(response) == ACME_TITLES
    assert alice.get("/documents/upload").status_code == 200
