"""Uploading documents: files become attachments of one of the customer's open tickets."""

from __future__ import annotations

import requests

from tests.integration.conftest import log_in_again, page

TT1, TT2_CLOSED, TT3_BOBS = 12, 13, 14


def ticket_options(response: requests.Response) -> list[tuple[str, str]]:
    return [(option.get("value"), option.text.strip()) for option in page(response).xpath(
        "//select[@name='ticket_id']/option") if option.get("value")]


def ticket_documents(stub_crm, ticket_id: int) -> list[tuple[str, str, bytes]]:
    rows = stub_crm.store.query(
        "SELECT d.title, d.filetype, a.content FROM document_relations r"
        " JOIN documents d ON d.id = r.document_id JOIN attachments a ON a.id = d.attachment_id"
        " WHERE r.crmid = ? ORDER BY d.id", (ticket_id,))
    return [(row["title"], row["filetype"], bytes(row["content"])) for row in rows]


def test_form_offers_only_the_customers_open_tickets_and_states_the_limit(stub_crm, alice):
    response = alice.get("/documents/upload", params={"ticket": str(TT1)})
    assert response.status_code == 200
    assert ticket_options(response) == [(str(TT1), "TT1 – Widget Pro does not start")]
    form = page(response)
    assert form.xpath("//select[@name='ticket_id']/option[@selected]/@value") == [str(TT1)]
    assert form.xpath("string(//p[@id='upload-hint'])").split() == (
        "Up to 5 MB per upload, all files together. Allowed types: pdf, txt, log, csv, png, "
        "jpg, jpeg, gif, webp, zip, doc, docx, xls, xlsx, odt, ods.").split()
    file_input = form.xpath("//input[@type='file']")[0]
    assert (file_input.get("name"), file_input.get("multiple") is not None,
            file_input.get("aria-describedby")) == ("files", True, "upload-hint")
    assert "one of your open tickets" in form.xpath("string(//p[@class='explanation'])")


def test_upload_adds_every_file_to_the_ticket(stub_crm, alice):
    before = ticket_documents(stub_crm, TT1)
    files = [("files", ("notes.txt", b"first file\n", "text/plain")),
             ("files", ("screen.png", b"\x89PNG fake", "image/png"))]
    response = alice.submit("/documents/upload", "/documents/upload",
                            {"ticket_id": str(TT1)}, files=files, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tickets/{TT1}"
    assert ticket_documents(stub_crm, TT1) == before + [
        ("notes.txt", "text/plain", b"first file\n"), ("screen.png", "image/png", b"\x89PNG fake")]
    flashed = page(alice.get("/documents")).xpath("//li[@role='status']/text()")
    assert flashed == ["2 files were added to ticket TT1."]


def test_refused_uploads_keep_the_choice_and_send_nothing(stub_crm, alice):
    count = stub_crm.store.scalar("SELECT count(*) FROM documents")
    one_file = [("files", ("notes.txt", b"text", "text/plain"))]
    cases = [
        ({"ticket_id": str(TT2_CLOSED)}, one_file, "Please choose one of your open tickets."),
        ({"ticket_id": str(TT3_BOBS)}, one_file, "Please choose one of your open tickets."),
        ({"ticket_id": str(TT1)}, None, "Please choose a file."),
        ({"ticket_id": str(TT1)}, [("files", ("run.exe", b"MZ", "application/octet-stream"))],
         "Files of this type cannot be uploaded: run.exe."),
        ({"ticket_id": str(TT1)}, [("files", ("empty.txt", b"", "text/plain"))],
         "The file empty.txt is empty."),
    ]
    for data, files, message in cases:
        response = alice.submit("/documents/upload", "/documents/upload", data, files=files)
        assert response.status_code == 400, message
        assert page(response).xpath("string(//*[@role='alert'])").startswith(message)
        if data["ticket_id"] == str(TT1):
            chosen = "//select[@name='ticket_id']/option[@selected]/@value"
            assert page(response).xpath(chosen) == [str(TT1)]
    assert stub_crm.store.scalar("SELECT count(*) FROM documents") == count


def test_upload_without_csrf_token_is_refused(stub_crm, alice):
    count = stub_crm.store.scalar("SELECT count(*) FROM documents")
    response = alice.browser.post(f"{alice.portal_url}/documents/upload",
                                  data={"ticket_id": str(TT1)},
                                  files=[("files", ("notes.txt", b"text", "text/plain"))])
    assert response.status_code == 400
    assert stub_crm.store.scalar("SELECT count(*) FROM documents") == count


def test_customer_without_open_tickets_is_told_so(stub_crm, alice):
    stub_crm.store.execute("UPDATE tickets SET status = 'Closed' WHERE contact_id = ?",
                           (alice.contact_id,))
    response = log_in_again(stub_crm, alice).get("/documents/upload")
    assert response.status_code == 200
    assert page(response).xpath("//form[@enctype='multipart/form-data']") == []
    assert page(response).xpath("string(//p[@class='empty'])") == (
        "You have no open tickets to add a document to.")
