"""The HelpDesk list view's columns: berliCRM's default, or an admin's choice (portal_prefs)."""

from __future__ import annotations

from crm_stub.operations.tickets import LIST_FIELDS_PREF
from tests.stub.support import call, login

NO_FILTER = {"onlymine": "true", "where": "", "match": ""}


def _head_and_first_row(ctx) -> tuple[list[str], list[str]]:
    result = call(ctx, "get_tickets_list", {**login(ctx), **NO_FILTER})
    head = [cell["fielddata"] for cell in result[0]["head"][0]]
    return head, [cell["fielddata"] for cell in result[1]["data"][0]]


def test_default_columns_are_berlicrms(ctx):
    head, _ = _head_and_first_row(ctx)
    assert head == ["Ticket No", "Subject", "Related to", "Contact Name", "Status", "Priority",
                    "Assigned To"]


def test_configured_columns_add_category_and_severity_in_order(ctx):
    ctx.store.insert("portal_prefs", key=LIST_FIELDS_PREF,
                     value="ticket_no, title, category, severity, status")
    head, row = _head_and_first_row(ctx)
    assert head == ["Ticket No", "Subject", "Category", "Severity", "Status"]
    assert row[0] == "TT1"
    assert row[2:] == ["Big Problem", "Major", "Open"]


def test_configured_labels_stand_in_for_another_language_and_unknown_fields_are_dropped(ctx):
    ctx.store.insert("portal_prefs", key=LIST_FIELDS_PREF,
                     value="ticket_no=Ticket-Nr., category=Kategorie, password, status=Status")
    ctx.store.insert("hidden_fields", module="HelpDesk", fieldname="status")
    head, row = _head_and_first_row(ctx)
    assert head == ["Ticket-Nr.", "Kategorie"]
    assert row == ["TT1", "Big Problem"]
