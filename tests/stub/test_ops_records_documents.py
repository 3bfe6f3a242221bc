"""get_documents and get_filecontent_detail: shapes, file contents, download count, strictness."""

from __future__ import annotations

import base64

from crm_stub.seed.a_core import LED_REPORT, MANUAL
from tests.stub.records_support import INACTIVE, NA, table


def test_faq_documents_for_everyone(crm):
    manual = crm.record("documents", "title", "Widget Pro Manual")
    created = crm.store.scalar("SELECT created FROM entities WHERE id = ?", (manual,))
    for email in ("alice@acme.example", "dave@globex.example"):
        head, rows = table(crm.call("get_documents", "20", "Documents", *crm.as_(email)),
                           "Documents")
        assert head == ["Title", "FileName", "Created Time"]
        assert rows == [[
            f'<a href="index.php?&module=Documents&action=index&id={manual}">Widget Pro Manual</a>',
            f'<a href="index.php?&downloadfile=true&folderid=1&filename=widget-pro-manual.txt'
            f'&module=Documents&action=index&id={manual}">widget-pro-manual.txt</a>', created]]


def test_external_document_has_no_onclick(crm):
    _, rows = table(crm.call("get_documents", "21", "Documents", *crm.as_("bob@acme.example")),
                    "Documents")
    assert rows[0][1] == ('<a target="_blank" href="https://docs.example.com/widget-pro/setup">'
                          "https://docs.example.com/widget-pro/setup</a>")


def test_documents_of_records_the_contact_may_not_see(crm):
    dave = crm.as_("dave@globex.example")
    project = str(crm.record("projects", "project_no", "PROJ1"))
    assert crm.call("get_documents", "2", "Documents", *dave) == NA
    assert crm.call("get_documents", project, "Documents", *dave) == NA
    assert crm.call("get_documents", "999999", "Documents", *dave) == NA
    _, rows = table(crm.call("get_documents", project, "Documents",
                             *crm.as_("alice@acme.example")), "Documents")
    assert rows[0][0].endswith(">Project plan</a>")


def test_no_documents_is_none_and_refusals(crm):
    alice_id, session = crm.as_("alice@acme.example")
    tt3 = str(crm.record("tickets", "ticket_no", "TT3"))
    assert crm.call("get_documents", tt3, "Documents", alice_id, session) is None
    assert crm.call("get_documents", "20", "Documents", alice_id, "bad") is None
    crm.hide_tab("Documents")
    assert crm.call("get_documents", "20", "Documents", alice_id, "bad") == INACTIVE


def test_document_file_and_download_count(crm):
    manual = crm.record("documents", "title", "Widget Pro Manual")
    attachment = crm.store.scalar("SELECT attachment_id FROM documents WHERE id = ?", (manual,))
    alice_id, session = crm.as_("alice@acme.example")
    for expected_count in (1, 2):
        result = crm.call("get_filecontent_detail", str(manual), "1", "Documents", alice_id,
                          session)
        count = crm.store.scalar("SELECT download_count FROM documents WHERE id = ?", (manual,))
        assert count == expected_count
    assert result == [{"fileid": str(attachment), "filename": "widget-pro-manual.txt",
                       "filetype": "text/plain", "filesize": len(MANUAL),
                       "filecontents": base64.b64encode(MANUAL).decode("ascii")}]


def test_ticket_file_is_its_first_attachment(crm):
    ticket = str(crm.record("tickets", "ticket_no", "TT1"))
    (entry,) = crm.call("get_filecontent_detail", ticket, "", "HelpDesk",
                        *crm.as_("alice@acme.example"))
    assert (entry["filename"], entry["filesize"]) == ("led-report.txt", len(LED_REPORT))
    assert base64.b64decode(entry["filecontents"], validate=True) == LED_REPORT


def test_external_document_has_empty_file_fields(crm):
    external = str(crm.record("documents", "title", "Price list 2027"))
    assert crm.call("get_filecontent_detail", external, "1", "Documents",
                    *crm.as_("alice@acme.example")) == [
        {"fileid": "", "filename": "", "filetype": "", "filesize": False, "filecontents": ""}]


def test_file_refusals(crm):
    japanese = str(crm.record("documents", "title", "Sensor Kit 取扱説明書"))
    alice_id, session = crm.as_("alice@acme.example")
    assert crm.call("get_filecontent_detail", japanese, "1", "Documents", alice_id, session) == NA
    (entry,) = crm.call("get_filecontent_detail", japanese, "1", "Documents",
                        *crm.as_("dave@globex.example"))
    assert base64.b64decode(entry["filecontents"]).decode("utf-8").startswith("Sensor Kit 取扱")
    manual = str(crm.record("documents", "title", "Widget Pro Manual"))
    assert crm.call("get_filecontent_detail", manual, "1", "Documents", alice_id, "x") is None
    count = crm.store.scalar("SELECT download_count FROM documents WHERE id = ?", (manual,))
    assert count == 0
