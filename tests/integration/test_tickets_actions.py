"""Acting on a ticket: comment, upload, close; and what a closed ticket, a ticket whose status
the CRM blanks, or a POST without CSRF token get."""

from __future__ import annotations

import requests

from crm_stub.seed.a_core import LED_REPORT
from tests.integration.conftest import csrf_token_of, page

TT1, TT2, ERINS_TT8 = 12, 13, 19


def flashes(response: requests.Response) -> list[str]:
    return [text.strip() for text in page(response).xpath("//li[@role='status']/text()")]


def newest_comment(response: requests.Response) -> tuple[str, str]:
    item = page(response).xpath("//ol[@class='comment-thread']/li")[0]
    return (item.xpath("normalize-space(.//span[@class='comment-author'])"),
            item.xpath("string(.//p[contains(@class,'comment-text')])"))


def attachment_links(response: requests.Response) -> list[tuple[str, str]]:
    return [(a.text_content(), a.get("href"))
            for a in page(response).xpath("//ul[@class='attachment-list']//a")]


def has_close_button(response: requests.Response) -> bool:
    return bool(page(response).xpath("//form[contains(@class,'close-form')]//button"))


def test_add_a_comment_with_line_breaks(stub_crm, alice):
    response = alice.submit(f"/tickets/{TT1}", f"/tickets/{TT1}/comments",
                            {"comment": "Tried it.\nStill dark <b>really</b>."})
    assert response.status_code == 200
    assert flashes(response) == ["Your comment has been added."]
    stored = stub_crm.store.query_one(
        "SELECT content, contact_id FROM ticket_comments WHERE ticket_id = ?"
        " ORDER BY created DESC, id DESC", (TT1,))
    assert (stored["content"], stored["contact_id"]) == ("Tried it.\nStill dark <b>really</b>.", 4)
    assert newest_comment(response) == (
        "alice@acme.example", "Tried it.\nStill dark <b>really</b>.")


def test_an_empty_comment_is_refused_and_the_text_kept(stub_crm, alice):
    before = stub_crm.store.scalar("SELECT count(*) FROM ticket_comments")
    response = alice.submit(f"/tickets/{TT1}", f"/tickets/{TT1}/comments",
                            {"comment": "  \n  "})
    assert response.status_code == 400
    doc = page(response)
    assert doc.xpath("normalize-space(//form[contains(@class,'comment-form')]"
                     "//*[@role='alert'])") == "Please write a comment before sending it."
    assert doc.xpath("//textarea[@name='comment']/text()") == ["  \n  "]
    assert stub_crm.store.scalar("SELECT count(*) FROM ticket_comments") == before


def test_upload_several_files(stub_crm, alice):
    files = [("files", ("notes.txt", b"first file\n", "text/plain")),
             ("files", ("data.csv", "a;b\n1;ü\n".encode(), "text/csv"))]
    response = alice.submit(f"/tickets/{TT1}", f"/tickets/{TT1}/files", files=files)
    assert response.status_code == 200
    assert flashes(response) == ["2 files sent."]
    stored = stub_crm.store.query(
        "SELECT a.name, a.content FROM document_relations r JOIN documents d"
        " ON d.id = r.document_id JOIN attachments a ON a.id = d.attachment_id"
        " WHERE r.crmid = ? ORDER BY a.id", (TT1,))
    assert [(row["name"], bytes(row["content"])) for row in stored] == [
        ("led-report.txt", LED_REPORT), ("notes.txt", b"first file\n"),
        ("data.csv", "a;b\n1;ü\n".encode())]
    assert [name for name, _ in attachment_links(response)] == [
        "led-report.txt", "notes.txt", "data.csv"]
    link = dict(attachment_links(response))["data.csv"]
    assert alice.browser.get(alice.portal_url + link).content == "a;b\n1;ü\n".encode()


def test_upload_without_a_file_says_so(alice):
    response = alice.submit(f"/tickets/{TT1}", f"/tickets/{TT1}/files")
    assert response.status_code == 400
    assert page(response).xpath("normalize-space(//form[contains(@class,'upload-form')]"
                                "//*[@role='alert'])") == "Please choose a file."


def test_close_a_ticket(stub_crm, alice):
    response = alice.submit(f"/tickets/{TT1}", f"/tickets/{TT1}/close")
    assert response.status_code == 200
    assert flashes(response) == ["The ticket has been closed."]
    assert stub_crm.store.scalar("SELECT status FROM tickets WHERE id = ?", (TT1,)) == "Closed"
    doc = page(response)
    assert not has_close_button(response)
    assert doc.xpath("//form[contains(@class,'comment-form')]") == []
    assert doc.xpath("normalize-space(//span[contains(@class,'status-badge')])") == "Closed"
    assert [row[0] for row in _list_rows(alice, "closed")] == ["TT2", "TT1"]


def _list_rows(alice, state: str) -> list[list[str]]:
    return [[td.text_content().strip() for td in tr.xpath("td")] for tr in page(
        alice.get(f"/tickets?state={state}")).xpath("//table[@id='ticket-list']/tbody/tr")]


def test_closed_ticket_takes_no_comments(stub_crm, alice):
    response = alice.get(f"/tickets/{TT2}")
    assert not has_close_button(response)
    assert page(response).xpath("//form[contains(@class,'comment-form')]") == []
    token = csrf_token_of(response)
    refused = alice.browser.post(f"{alice.portal_url}/tickets/{TT2}/comments",
                                 data={"csrf_token": token, "comment": "late"})
    assert flashes(refused) == ["This ticket is closed, so it cannot get new comments."]
    assert stub_crm.store.query_one(
        "SELECT 1 FROM ticket_comments WHERE content = 'late'") is None


def test_blanked_status_means_no_close(stub_crm, alice):
    """A Globex ticket Alice sees through her project: the CRM blanks its status for her."""
    project = stub_crm.store.scalar("SELECT id FROM projects WHERE project_no = 'PROJ1'")
    stub_crm.store.insert("relations", crmid=project, module="Project", relcrmid=ERINS_TT8,
                          relmodule="HelpDesk")
    response = alice.get(f"/tickets/{ERINS_TT8}")
    assert response.status_code == 200
    assert "Fråga om licensförnyelse" in page(response).xpath("string(//h1)")
    assert not has_close_button(response)
    refused = alice.browser.post(f"{alice.portal_url}/tickets/{ERINS_TT8}/close",
                                 data={"csrf_token": csrf_token_of(response)})
    assert refused.status_code == 403
    assert stub_crm.store.scalar("SELECT status FROM tickets WHERE id = ?",
                                 (ERINS_TT8,)) == "Open"


def test_posts_without_csrf_token_are_refused(stub_crm, alice):
    for action in ("comments", "close", "files"):
        response = alice.browser.post(f"{alice.portal_url}/tickets/{TT1}/{action}",
                                      data={"comment": "no token"})
        assert response.status_code == 400, action
    assert stub_crm.store.scalar("SELECT status FROM tickets WHERE id = ?", (TT1,)) == "Open"
