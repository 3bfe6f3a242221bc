"""Ticket attachments: listing order of checks, download, upload with sanitized names."""

from __future__ import annotations

import base64

import pytest

from crm_stub.operations.attachments import sanitize_filename
from crm_stub.seed.a_core import LED_REPORT
from tests.stub.support import call, login, set_module, trace


def _attachments(ctx, session, ticket):
    return call(ctx, "get_ticket_attachments", {**session, "ticketid": ticket})


def test_lists_the_tickets_documents(ctx):
    [entry] = _attachments(ctx, login(ctx), "12")
    expected = trace("get_ticket_attachments")[0]
    assert list(entry) == list(expected)
    assert {k: v for k, v in entry.items() if k != "fileid"} == \
        {k: v for k, v in expected.items() if k != "fileid"}
    assert entry["fileid"] == str(ctx.store.scalar(
        "SELECT id FROM attachments WHERE name = 'led-report.txt'"))


def test_checks_module_then_permission_then_session(ctx):
    session = login(ctx)
    assert _attachments(ctx, session, "13") is None
    assert _attachments(ctx, {"id": "4", "sessionid": "bad"}, "17") == ["#NOT AUTHORIZED#"]
    assert _attachments(ctx, {"id": "4", "sessionid": "bad"}, "12") is None
    set_module(ctx, "Documents", visible=0)
    assert _attachments(ctx, session, "12") == trace("get_ticket_attachments.documents_inactive")


def _download(ctx, session, fileid, filename, ticket="12"):
    return call(ctx, "get_filecontent", {**session, "fileid": fileid, "filename": filename,
                                         "ticketid": ticket})


def test_download_needs_matching_id_name_and_a_visible_ticket(ctx):
    session = login(ctx)
    fileid = _attachments(ctx, session, "12")[0]["fileid"]
    assert _download(ctx, session, fileid, "led-report.txt") == \
        [base64.b64encode(LED_REPORT).decode()]
    assert _download(ctx, session, fileid, "other.txt") is None
    assert _download(ctx, session, fileid, "led-report.txt", ticket="13") is None
    dave = login(ctx, "dave@globex.example", "dave123")
    assert _download(ctx, dave, fileid, "led-report.txt") is None


def _upload(ctx, session, ticket, name="notes file.txt", content=b"notes\n", **extra):
    params = {**session, "ticketid": ticket, "filename": name, "filetype": "text/plain",
              "filesize": len(content), "filecontents": base64.b64encode(content).decode()}
    params.update(extra)
    return call(ctx, "add_ticket_attachment", params)


def test_upload_creates_a_document_linked_to_the_ticket(ctx):
    session = login(ctx)
    assert _upload(ctx, session, "13", filesize=999) is None
    [entry] = _attachments(ctx, session, "13")
    expected = trace("get_ticket_attachments.direct")[0]
    assert {k: v for k, v in entry.items() if k != "fileid"} == \
        {k: v for k, v in expected.items() if k != "fileid"}
    assert _download(ctx, session, entry["fileid"], "notes_file.txt", "13") == \
        [base64.b64encode(b"notes\n").decode()]
    document = ctx.store.query_one("SELECT * FROM documents WHERE filename = 'notes_file.txt'")
    assert (document["title"], document["filesize"], document["location_type"]) == (
        "notes_file.txt", 6, "I")


@pytest.mark.parametrize("ticket, extra", [
    ("17", {}),  # a Globex ticket
    ("13", {"filecontents": "not base64!"}),
])
def test_upload_refuses_foreign_tickets_and_bad_content(ctx, ticket, extra):
    before = ctx.store.scalar("SELECT COUNT(*) FROM attachments")
    assert _upload(ctx, login(ctx), ticket, **extra) is None
    assert ctx.store.scalar("SELECT COUNT(*) FROM attachments") == before


@pytest.mark.parametrize("name, expected", [
    ("notes file.txt", "notes_file.txt"), ("../../etc/passwd", "passwd"),
    ("C:\\temp\\a b.pdf", "a_b.pdf"), ("shell.php", "shell.php.txt"),
    ("bad\x00name\x07.txt", "badname.txt"), ("   ", "attachment"), ("résumé.pdf", "résumé.pdf"),
])
def test_sanitize_filename(name, expected):
    assert sanitize_filename(name) == expected
