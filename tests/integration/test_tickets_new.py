"""Raising a ticket through the portal: choices from the CRM, attachments, validation."""

from __future__ import annotations


import requests

import crm_stub
from tests.integration.conftest import (StubCrm, csrf_token_of, failing_operation, log_in_as,
                                        page)
from tests.servers import serve_wsgi

FORM = "/tickets/new"


def choices(response: requests.Response, name: str) -> list[tuple[str, str]]:
    return [(option.get("value"), option.text_content().strip()) for option in
            page(response).xpath(f"//form//select[@name='{name}']/option")]


def selected(response: requests.Response, name: str) -> list[str]:
    return page(response).xpath(f"//select[@name='{name}']/option[@selected]/@value")


def error_of(response: requests.Response) -> str:
    return page(response).xpath("normalize-space(//main//*[@role='alert'])")


def record_ids(store) -> tuple[str, str]:
    """Acme's service contract and project ids in the stub."""
    contract = store.scalar("SELECT id FROM service_contracts WHERE contract_no = 'SERCON1'")
    project = store.scalar("SELECT id FROM projects WHERE project_no = 'PROJ1'")
    return str(contract), str(project)


def test_form_offers_the_crms_choices(stub_crm, alice):
    contract, project = record_ids(stub_crm.store)
    form = alice.get(FORM)
    assert form.status_code == 200
    assert choices(form, "priority") == [("", "— none —")] + [
        (v, v) for v in ("Low", "Normal", "High", "Urgent")]
    assert [v for v, _ in choices(form, "severity")[1:]] == [
        "Minor", "Major", "Feature", "Critical"]
    assert [v for v, _ in choices(form, "category")[1:]] == [
        "Big Problem", "Small Problem", "Other Problem"]
    assert choices(form, "product")[1:] == [
        ("7", "Widget Pro"), ("8", "Gadget Basic"), ("9", "Sensor Kit")]
    assert choices(form, "contract")[1:] == [(contract, "Acme Support Contract 2026")]
    assert choices(form, "project")[1:] == [(project, "Acme Website Relaunch")]
    doc = page(form)
    assert doc.xpath("//input[@type='file']/@multiple") == ["multiple"]
    assert doc.xpath("//input[@type='file']/@aria-describedby") == ["upload-hint"]
    assert doc.xpath("normalize-space(//p[@id='upload-hint'])").startswith("Up to 5 MB per upload, all files together.")


def test_project_from_the_url_is_preselected(stub_crm, alice):
    _, project = record_ids(stub_crm.store)
    assert selected(alice.get(f"{FORM}?project={project}"), "project") == [project]
    assert selected(alice.get(f"{FORM}?project=99999"), "project") == []


def test_create_with_two_attachments(stub_crm, alice):
    contract, project = record_ids(stub_crm.store)
    files = [("files", ("error log.txt", b"boot failed at 00:03\n", "text/plain")),
             ("files", ("photo.png", b"\x89PNG\r\n\x1a\nfake", "image/png"))]
    data = {"title": "  Printer on fire  ", "description": "Smoke.\nLots of it.",
            "priority": "Urgent", "severity": "Critical", "category": "Big Problem",
            "product": "9", "contract": contract, "project": project}
    created = alice.submit(FORM, FORM, data, files=files)
    assert created.status_code == 200
    ticket = stub_crm.store.query_one("SELECT * FROM tickets WHERE title = 'Printer on fire'")
    assert created.url == f"{alice.portal_url}/tickets/{ticket['id']}"
    assert (ticket["description"], ticket["priority"], ticket["severity"], ticket["category"],
            ticket["product_id"], ticket["contact_id"], ticket["status"]) == (
        "Smoke.\nLots of it.", "Urgent", "Critical", "Big Problem", 9, 4, "Open")
    related = {(row["crmid"], row["module"]) for row in stub_crm.store.query(
        "SELECT crmid, module FROM relations WHERE relcrmid = ?", (ticket["id"],))}
    assert related == {(int(contract), "ServiceContracts"), (int(project), "Project")}
    stored = stub_crm.store.query(
        "SELECT a.name, a.content FROM document_relations r JOIN documents d"
        " ON d.id = r.document_id JOIN attachments a ON a.id = d.attachment_id"
        " WHERE r.crmid = ? ORDER BY a.id", (ticket["id"],))
    assert [(row["name"], bytes(row["content"])) for row in stored] == [
        ("error_log.txt", b"boot failed at 00:03\n"), ("photo.png", b"\x89PNG\r\n\x1a\nfake")]
    doc = page(created)
    assert doc.xpath("//li[@role='status']/text()") == ["Your ticket has been created."]
    assert doc.xpath("normalize-space(//h1/span[@class='ticket-title'])") == "Printer on fire"
    assert doc.xpath("//ul[@class='attachment-list']//a/text()") == [
        "error_log.txt", "photo.png"]


def test_new_ticket_appears_in_the_list_at_once(stub_crm, alice):
    alice.get("/tickets")
    alice.submit(FORM, FORM, {"title": "Fresh one"})
    listing = page(alice.get("/tickets"))
    assert listing.xpath("//table[@id='ticket-list']/tbody/tr[1]/td[2]")[0].text_content(
        ).strip() == "Fresh one"


def test_missing_title_keeps_everything_typed(alice):
    data = {"title": "   ", "description": "Details I typed", "priority": "High",
            "category": "Other Problem", "product": "8"}
    response = alice.submit(FORM, FORM, data)
    assert response.status_code == 400
    assert error_of(response) == "Please enter a title."
    doc = page(response)
    assert doc.xpath("//textarea[@name='description']/text()") == ["Details I typed"]
    assert selected(response, "priority") == ["High"]
    assert selected(response, "category") == ["Other Problem"]
    assert selected(response, "product") == ["8"]


def test_a_value_not_offered_is_refused_and_nothing_is_created(stub_crm, alice):
    before = stub_crm.store.scalar("SELECT count(*) FROM tickets")
    for field, value in (("priority", "Blocker"), ("product", "12"), ("contract", "4"),
                         ("project", "1")):
        response = alice.submit(FORM, FORM, {"title": "Sneaky", field: value,
                                             "description": "kept"})
        assert response.status_code == 400, field
        assert "is not one of the choices" in error_of(response)
        assert page(response).xpath("//input[@name='title']/@value") == ["Sneaky"]
    assert stub_crm.store.scalar("SELECT count(*) FROM tickets") == before


def test_a_refused_file_type_keeps_the_form(stub_crm, alice):
    files = [("files", ("run.exe", b"MZ", "application/octet-stream"))]
    response = alice.submit(FORM, FORM, {"title": "With a binary"}, files=files)
    assert response.status_code == 400
    assert error_of(response).startswith("Files of this type cannot be uploaded: run.exe.")
    assert page(response).xpath("//input[@name='title']/@value") == ["With a binary"]
    assert stub_crm.store.query_one(
        "SELECT 1 FROM tickets WHERE title = 'With a binary'") is None


def test_post_without_csrf_token_is_refused(stub_crm, alice):
    response = alice.browser.post(f"{alice.portal_url}{FORM}", data={"title": "No token"})
    assert response.status_code == 400
    assert stub_crm.store.query_one("SELECT 1 FROM tickets WHERE title = 'No token'") is None


def test_german_form_renders(alice):
    alice.browser.headers["Accept-Language"] = "de"
    response = alice.get(FORM)
    assert response.status_code == 200
    assert page(response).xpath("/html/@lang") == ["de"]
    assert csrf_token_of(response)


def test_a_failing_attachment_still_shows_the_new_ticket(tmp_path, make_portal, browser):
    app = failing_operation(crm_stub.create_app(tmp_path / "crm-refusing"),
                            b"add_ticket_attachment")
    with serve_wsgi(app) as crm_url:
        stub = StubCrm(url=crm_url, store=app.extensions["crm_stub"].store)
        alice = log_in_as(stub, browser, make_portal(crm_url), "alice@acme.example")
        files = [("files", ("a.txt", b"one", "text/plain")),
                 ("files", ("b.txt", b"two", "text/plain"))]
        response = alice.submit(FORM, FORM, {"title": "Files will fail"}, files=files)
        ticket_id = stub.store.scalar("SELECT id FROM tickets WHERE title = 'Files will fail'")
        assert response.status_code == 200
        assert response.url == f"{alice.portal_url}/tickets/{ticket_id}"
        assert [li.text_content().strip() for li in page(response).xpath(
            "//li[contains(@class,'flash')]")] == [
            "Your ticket has been created.",
            "These files could not be attached: a.txt, b.txt. Please try again."]
        assert page(response).xpath("//li[contains(@class,'flash-warning')]")
        assert stub.store.query_one("SELECT 1 FROM document_relations WHERE crmid = ?",
                                    (ticket_id,)) is None
