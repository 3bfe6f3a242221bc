"""Result mapping, part 1: login, passwords, sessions, tickets, FAQ: real answers -> models."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from portalclient.crm import (Attachment, Comment, CrmError, CrmSession, FaqComment,
                              LoginRefused, ModuleInactive, NotAuthorized, RecordRef,
                              SessionExpired, VersionIncompatible)
from tests.crm.conftest import answer
from tests.crm.replay import Canned

ALICE = "alice@acme.example"
SESSION = CrmSession("4", "LfMbJNzhsMqr", ALICE)
LAST_LOGIN = dt.datetime(2026, 11, 23, 23, 28, 25)
VTENEXT_ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope '
    'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><SOAP-ENV:Body>'
    '<ns1:{op}Response xmlns:ns1="https://www.vtenext.com/products/crm">{ret}'
    '</ns1:{op}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>')


def vtenext(crm, operation: str, ret: str) -> None:
    """Queue a hand-made vtenext-style answer (top-level keys kept)."""
    crm.queue(Canned(VTENEXT_ENVELOPE.format(op=operation, ret=ret).encode()))


def test_login(client, crm):
    answer(crm, "authenticate_user")
    customer = client.authenticate(ALICE, "alice123")
    assert customer.session == CrmSession("4", "CNqmhvZdbza7", ALICE)
    assert customer.contact_id == "4"
    assert customer.user_name == ALICE
    assert customer.last_login is None
    assert customer.support_start == dt.date(2025, 1, 1)
    assert customer.support_end == dt.date(2030, 12, 31)


def test_login_with_a_last_login_time(client, crm):
    answer(crm, "authenticate_user.direct")
    assert client.authenticate(ALICE, "alice123").last_login == LAST_LOGIN


@pytest.mark.parametrize("name", ["authenticate_user.bad_password",
                                  "authenticate_user.unknown_user",
                                  "authenticate_user.support_expired"])
def test_login_refused(client, crm, name):
    answer(crm, name)
    with pytest.raises(LoginRefused) as caught:
        client.authenticate(ALICE, "wrong")
    assert caught.value.reason == "INVALID_USERNAME_OR_PASSWORD"
    assert not isinstance(caught.value, VersionIncompatible)


def test_login_version_incompatible(client, crm):
    answer(crm, "authenticate_user.old_version")
    with pytest.raises(VersionIncompatible) as caught:
        client.authenticate(ALICE, "alice123")
    assert caught.value.reason == "NOT COMPATIBLE"


def test_login_vtenext_keyed_error(client, crm):
    vtenext(crm, "authenticate_user",
            '<return><err1 xsi:type="xsd:string">MORE_THAN_ONE_USER</err1></return>')
    with pytest.raises(LoginRefused) as caught:
        client.authenticate(ALICE, "alice123")
    assert caught.value.reason == "MORE_THAN_ONE_USER"


def test_login_without_session_id_is_refused(client, crm):
    answer(crm, "authenticate_user.login_false")
    with pytest.raises(LoginRefused) as caught:
        client.authenticate(ALICE, "Alice#2026new")
    assert caught.value.reason == "UNEXPECTED_ANSWER"


def test_login_never_logs_password_or_session(client, crm, caplog):
    answer(crm, "authenticate_user")
    with caplog.at_level(logging.DEBUG):
        client.authenticate(ALICE, "alice123")
    assert caplog.records
    assert "alice123" not in caplog.text and "CNqmhvZdbza7" not in caplog.text


def test_verify_password(client, crm):
    answer(crm, "authenticate_user.login_false", "authenticate_user.bad_password")
    assert client.verify_password(ALICE, "Alice#2026new") is True
    assert client.verify_password(ALICE, "wrong") is False


def test_change_password_success_answer_is_the_invalid_quirk(client, crm):
    answer(crm, "authenticate_user.login_false", "change_password.via_portal",
           "authenticate_user.after_password_change")
    assert client.change_password(SESSION, "alice123", "Alice#2026new") is None
    assert [r.operation()[0] for r in crm.requests] == [
        "authenticate_user", "change_password", "authenticate_user"]


def test_change_password_wrong_old_password_changes_nothing(client, crm):
    answer(crm, "authenticate_user.bad_password")
    with pytest.raises(LoginRefused) as caught:
        client.change_password(SESSION, "wrong", "new")
    assert caught.value.operation == "change_password"
    assert len(crm.requests) == 1


def test_change_password_more_than_one_user(client, crm):
    answer(crm, "authenticate_user.login_false", "change_password.other_users_name")
    with pytest.raises(LoginRefused) as caught:
        client.change_password(SESSION, "alice123", "bob123")
    assert caught.value.reason == "MORE_THAN_ONE_USER"


def test_change_password_not_confirmed(client, crm):
    answer(crm, "authenticate_user.login_false", "change_password.revert",
           "authenticate_user.bad_password")
    with pytest.raises(CrmError) as caught:
        client.change_password(SESSION, "alice123", "new")
    assert type(caught.value) is CrmError


def test_change_password_dead_session(client, crm):
    answer(crm, "authenticate_user.login_false", "change_password.invalid_session")
    with pytest.raises(SessionExpired):
        client.change_password(SESSION, "alice123", "x")


def test_password_mail(client, crm):
    answer(crm, "send_mail_for_password.unknown")
    result = client.request_password_mail("nobody@nowhere.example")
    assert result.sent is False
    assert result.message == "Mail could not be sent"


def test_session_probe(client, crm):
    answer(crm, "get_ticket_creator.after_logout_session_still_valid",
           "close_current_ticket.invalid_session")
    assert client.is_session_alive(SESSION) is True
    assert client.is_session_alive(SESSION) is False
    assert crm.requests[0].operation()[1][0][2] == ("xsd:string", "0")


def test_modules_show_all_account(client, crm):
    answer(crm, "get_modules.documents_hidden", "show_all.HelpDesk.pref_0",
           "show_all.Tickets_alias", "get_check_account_id.direct",
           "get_check_account_id.unknown_contact")
    assert client.modules() == ("HelpDesk", "Faq", "Invoice", "Quotes", "Products", "Services",
                                "Contacts", "Accounts", "Project", "ProjectTask",
                                "ProjectMilestone", "Assets")
    assert client.show_all("HelpDesk") is False
    assert client.show_all("Tickets") is True
    assert client.account_id("4") == "2"
    assert client.account_id("999999") is None


def test_picklists(client, crm):
    answer(crm, "get_picklists.ticketpriorities", "get_picklists.nonexistent_table",
           "get_picklists.invalid_name")
    assert client.picklist(SESSION, "ticketpriorities") == ("Low", "Normal", "High", "Urgent")
    assert client.picklist(SESSION, "nonexistent") == ()
    with pytest.raises(SessionExpired):
        client.picklist(SESSION, "ticketstatus")
    with pytest.raises(ValueError):
        client.picklist(SESSION, "bad name;")


def test_ticket_form_options(client, crm):
    answer(crm, "get_combo_values")
    options = client.ticket_form_options(SESSION)
    assert options.products == (("7", "Widget Pro"), ("8", "Gadget Basic"), ("9", "Sensor Kit"))
    assert options.priorities == ("Low", "Normal", "High", "Urgent")
    assert options.severities == ("Minor", "Major", "Feature", "Critical")
    assert options.categories == ("Big Problem", "Small Problem", "Other Problem")
    assert options.service_contracts == (("32", "Acme Support Contract 2026"),)


def test_ticket_form_options_module_inactive_groups_are_empty(client, crm):
    vtenext(crm, "get_combo_values",
            '<return><productid><productid xsi:type="xsd:string">#MODULE INACTIVE#</productid>'
            '</productid><productname><productname xsi:type="xsd:string">#MODULE INACTIVE#'
            '</productname></productname><ticketpriorities><ticketpriorities '
            'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" '
            'SOAP-ENC:arrayType="xsd:string[1]"><item>Low</item></ticketpriorities>'
            '</ticketpriorities></return>')
    options = client.ticket_form_options(SESSION)
    assert options.products == () and options.service_contracts == ()
    assert options.priorities == ("Low",)


def test_tickets_list(client, crm):
    answer(crm, "get_tickets_list")
    tickets = client.tickets(SESSION, only_mine=False)
    assert tickets.columns == ("Ticket No", "Subject", "Related to", "Contact Name", "Status",
                               "Priority", "Assigned To")
    first = tickets.rows[0]
    assert (first.ticket_id, first.number, first.title, first.status, first.priority) == (
        "12", "TT1", "Widget Pro does not start", "Open", "High")
    assert first.cells[2].ref == RecordRef("Accounts", "2")
    assert [(r.ticket_id, r.number, r.status, r.is_closed) for r in tickets.rows[:3]] == [
        ("12", "TT1", "Open", False), ("13", "TT2", "Closed", True),
        ("14", "TT3", "In Progress", False)]


def test_tickets_none_with_live_session_is_empty(client, crm):
    answer(crm, "get_tickets_list.stale_session_after_relogin", "get_ticket_creator.direct")
    tickets = client.tickets(SESSION, only_mine=True)
    assert (tickets.columns, tickets.rows) == ((), ())


def test_tickets_none_with_dead_session_expires(client, crm):
    answer(crm, "get_tickets_list.stale_session_after_relogin",
           "close_current_ticket.invalid_session")
    with pytest.raises(SessionExpired) as caught:
        client.tickets(SESSION, only_mine=True)
    assert caught.value.operation == "get_tickets_list"


def test_create_ticket(client, crm):
    from portalclient.crm import NewTicket
    answer(crm, "create_ticket.with_servicecontract_and_project")
    assert client.create_ticket(SESSION, NewTicket(title="t")) == "43"


def test_ticket_comments(client, crm):
    answer(crm, "get_ticket_comments", "get_ticket_comments.markup",
           "get_ticket_comments.no_comments")
    assert client.ticket_comments(SESSION, "12") == (
        Comment(ALICE, "The device shows a blinking red LED.",
                dt.datetime(2026, 11, 23, 23, 25, 5)),
        Comment("Admin Administrator",
                "Thanks Alice, please try holding the reset button for 10 seconds.",
                dt.datetime(2026, 11, 23, 23, 20, 49)))
    marked = client.ticket_comments(SESSION, "43")[0]
    assert marked.text == 'A comment with <b>markup</b> & "quotes"'
    assert client.ticket_comments(SESSION, "16") == ()


def test_comment_on_dead_session_is_noticed(client, crm):
    answer(crm, "update_ticket_comment.direct", "close_current_ticket.invalid_session")
    with pytest.raises(SessionExpired):
        client.add_ticket_comment(SESSION, "43", "hello")


def test_close_ticket(client, crm):
    answer(crm, "close_current_ticket.direct", "close_current_ticket.invalid_session")
    assert client.close_ticket(SESSION, "43") is None
    with pytest.raises(SessionExpired):
        client.close_ticket(SESSION, "43")


def test_ticket_attachments(client, crm):
    answer(crm, "get_ticket_attachments", "get_ticket_attachments.none",
           "get_ticket_creator.direct")
    assert client.ticket_attachments(SESSION, "12") == (
        Attachment("36", "led-report.txt", "text/plain", 66, False),)
    assert client.ticket_attachments(SESSION, "13") == ()


@pytest.mark.parametrize(("name", "error"), [
    ("get_ticket_attachments.documents_inactive", ModuleInactive),
    ("get_ticket_attachments.foreign_ticket_not_authorized", NotAuthorized)])
def test_ticket_attachment_sentinels(client, crm, name, error):
    answer(crm, name)
    with pytest.raises(error) as caught:
        client.ticket_attachments(SESSION, "15")
    assert caught.value.operation == "get_ticket_attachments"


def test_ticket_file(client, crm):
    answer(crm, "get_filecontent.direct")
    file = client.ticket_file(SESSION, "12", "36", "led-report.txt")
    assert file.filename == "led-report.txt"
    assert file.content_type == "text/plain"
    assert file.data == b"LED pattern: red, red, green (photo description).\nFirmware: 2.4.1\n"


def test_knowledge_base(client, crm):
    answer(crm, "get_KBase_details")
    kb = client.knowledge_base(SESSION)
    assert kb.categories == ("General",)
    assert kb.products == (("7", "Widget Pro"), ("8", "Gadget Basic"), ("9", "Sensor Kit"))
    assert [(f.id, f.number, f.product_id, f.category) for f in kb.faqs] == [
        ("20", "FAQ1", "7", "General"), ("21", "FAQ2", None, "General"),
        ("22", "FAQ3", "8", "General")]
    faq = kb.faqs[1]
    assert faq.question == "What are your support hours?"
    assert faq.answer == "Monday to Friday, 8:00-18:00 CET."
    assert faq.created == dt.datetime(2026, 11, 23, 23, 20, 50)
    assert faq.comments == (FaqComment("Are you also available on Saturdays?",
                                       dt.datetime(2026, 11, 23, 23, 25, 6)),)


def test_save_faq_comment_item_mangling(client, crm):
    answer(crm, "save_faq_comment")
    kb = client.add_faq_comment(SESSION, "21", "Portal FAQ comment")
    assert kb.categories == ("General",)
    assert len(kb.products) == 3 and len(kb.faqs) == 3
    assert [c.text for c in kb.faqs[1].comments] == [
        "Portal FAQ comment", "Are you also available on Saturdays?"]


def test_knowledge_base_dead_session(client, crm):
    answer(crm, "get_KBase_details.invalid_session")
    with pytest.raises(SessionExpired):
        client.knowledge_base(SESSION)


def test_one_client_serves_parallel_threads(client, crm):
    from concurrent.futures import ThreadPoolExecutor
    answer(crm, *["get_modules.direct"] * 16)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: client.modules(), range(16)))
    assert len(crm.requests) == 16
    assert all(result == results[0] and len(result) == 13 for result in results)
