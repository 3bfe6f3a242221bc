"""The stub's ``authorization = lax`` switch: a real berliCRM's missing ownership checks.

Strict (the default) refuses another company's records; lax answers for them on every record
operation, while sessions, active modules and the lists' entity sets are still checked.
"""

from __future__ import annotations

import base64

import pytest

from crm_stub import admin_actions as actions
from crm_stub import cli
from crm_stub.operations import visibility
from tests.stub.records_support import NA, table, values

ALICE = "alice@acme.example"


@pytest.fixture
def lax(crm):
    """The seeded CRM switched to lax authorization."""
    assert actions.set_authorization(crm.store, "lax") == "lax"
    return crm


def ticket(crm, number: str) -> int:
    return crm.record("tickets", "ticket_no", number)


def struct(crm, email: str, **members) -> dict:
    contact, session = crm.as_(email)
    return {"id": contact, "sessionid": session, **members}


def test_strict_is_the_default_and_refuses_another_companys_ticket(crm):
    assert visibility.is_lax(crm.ctx) is False
    contact, session = crm.as_(ALICE)
    assert crm.call("get_details", str(ticket(crm, "TT6")), "HelpDesk", contact, session) == NA
    assert crm.call("get_ticket_comments", struct(crm, ALICE, ticketid=ticket(crm, "TT6"))) == []


def test_lax_reads_another_companys_records_by_id(lax):
    contact, session = lax.as_(ALICE)
    tt6 = str(ticket(lax, "TT6"))
    assert values(lax.call("get_details", tt6, "HelpDesk", contact, session))["Title"] == \
        "センサーキットの接続エラー"
    invoice = str(lax.record("invoices", "invoice_no", "INV2"))
    assert values(lax.call("get_invoice_detail", invoice, "Invoice", contact, session))[
        "Subject"].endswith("Счёт за Sensor Kit</a>")
    assert base64.b64decode(lax.call("get_pdf", invoice, "Invoice", contact, session)[0],
                            validate=True).startswith(b"%PDF")
    globex = str(lax.record("accounts", "name", "Globex Ltd"))
    assert values(lax.call("get_details", globex, "Accounts", contact, session))[
        "Organization Name"] == "Globex Ltd"
    comments = lax.call("get_ticket_comments", struct(lax, ALICE, ticketid=tt6))
    assert len(comments) == 2


def test_lax_lists_documents_and_project_parts_of_any_record(lax):
    contact, session = lax.as_(ALICE)
    project = str(lax.record("projects", "project_no", "PROJ2"))
    head, rows = table(lax.call("get_project_components", project, "ProjectTask", contact,
                                session), "ProjectTask")
    assert head[0] == "Project Task Name" and rows[0][0] == "Site survey"
    globex = str(lax.record("accounts", "name", "Globex Ltd"))
    _head, rows = table(lax.call("get_documents", globex, "Documents", contact, session),
                        "Documents")
    assert "Sensor Kit 取扱説明書" in rows[0][0]
    entry = lax.call("get_filecontent_detail", "59", "", "Documents", contact, session)[0]
    assert entry["filename"] == "sensor-kit-manual-ja.txt"


def test_lax_writes_to_another_companys_ticket(lax):
    tt6 = ticket(lax, "TT6")
    before = lax.store.scalar("SELECT count(*) FROM ticket_comments WHERE ticket_id = ?", (tt6,))
    lax.call("update_ticket_comment", struct(lax, ALICE, ticketid=str(tt6), ownerid="4",
                                             comments="not yours"))
    after = lax.store.scalar("SELECT count(*) FROM ticket_comments WHERE ticket_id = ?", (tt6,))
    assert after == before + 1
    assert lax.call("close_current_ticket", struct(lax, ALICE, ticketid=str(tt6))) == "closed"
    assert lax.store.scalar("SELECT status FROM tickets WHERE id = ?", (tt6,)) == "Closed"
    lax.call("add_ticket_attachment", struct(
        lax, ALICE, ticketid=str(tt6), filename="x.txt", filetype="text/plain", filesize=2,
        filecontents=base64.b64encode(b"hi").decode("ascii")))
    attachments = lax.call("get_ticket_attachments", struct(lax, ALICE, ticketid=str(tt6)))
    assert [a["filename"] for a in attachments] == ["x.txt"]


def test_lax_still_checks_sessions_modules_and_existence(lax):
    contact, _session = lax.as_(ALICE)
    tt6 = str(ticket(lax, "TT6"))
    assert lax.call("get_details", tt6, "HelpDesk", contact, "wrong-session") is None
    assert lax.call("get_details", "999999", "HelpDesk", *lax.as_(ALICE)) == NA
    assert lax.call("get_details", tt6, "Quotes", *lax.as_(ALICE)) == NA  # wrong module
    assert lax.call("close_current_ticket", struct(lax, ALICE, ticketid="999999")) == \
        NA[0]
    lax.hide_tab("HelpDesk")
    assert lax.call("get_details", tt6, "HelpDesk", *lax.as_(ALICE)) == NA


def test_lax_lists_keep_the_entity_set(lax):
    listing = lax.call("get_tickets_list", struct(lax, ALICE, onlymine="false", where="",
                                                  match=""))
    numbers = [row[0]["fielddata"] for row in listing[1]["data"]]
    assert numbers == ["TT1", "TT2", "TT3", "TT5"]


def test_unknown_mode_is_refused(crm):
    with pytest.raises(actions.AdminError, match="unknown authorization mode 'open'"):
        actions.set_authorization(crm.store, "open")


def test_cli_shows_and_switches_the_mode(crm, tmp_path, capsys):
    data = ["--data", str(tmp_path)]
    assert cli.main(["admin", "authorization", *data]) == 0
    assert capsys.readouterr().out.startswith("authorization strict: every record id")
    assert cli.main(["admin", "authorization", "lax", *data]) == 0
    assert capsys.readouterr().out.startswith("authorization lax: record operations answer")
    assert visibility.is_lax(crm.ctx) is True
    assert cli.main(["admin", "authorization", "strict", *data]) == 0
    assert visibility.is_lax(crm.ctx) is False
