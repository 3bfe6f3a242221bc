"""Ticket operations: list, create, comments, close, creator (strict ownership)."""

from __future__ import annotations

import pytest

from tests.stub.support import call, login, set_module, trace

NO_FILTER = {"onlymine": None, "where": "", "match": ""}


def _ticket_list(ctx, session, **extra):
    return call(ctx, "get_tickets_list", {**session, **NO_FILTER, **extra})


def test_ticket_list_matches_the_trace(ctx):
    assert _ticket_list(ctx, login(ctx)) == trace("get_tickets_list")


def test_only_mine_lists_the_callers_tickets(ctx):
    result = _ticket_list(ctx, login(ctx), onlymine="true")
    expected = trace("get_tickets_list.onlymine_true")  # captured after a portal ticket TT6
    assert result[0] == expected[0]
    assert result[1]["data"] == expected[1]["data"][:2]


def test_show_all_off_lists_own_tickets_only(ctx):
    set_module(ctx, "HelpDesk", show_related=0)
    rows = _ticket_list(ctx, login(ctx))[1]["data"]
    assert [row[0]["fielddata"] for row in rows] == ["TT1", "TT2"]


def test_where_is_ignored(ctx):
    session = login(ctx)
    assert _ticket_list(ctx, session, where="vtiger_troubletickets.status = 'Open'",
                        match="all") == _ticket_list(ctx, session)


def test_hidden_fields_drop_columns(ctx):
    ctx.store.insert("hidden_fields", module="HelpDesk", fieldname="priority")
    result = _ticket_list(ctx, login(ctx))
    assert [cell["fielddata"] for cell in result[0]["head"][0]] == [
        "Ticket No", "Subject", "Related to", "Contact Name", "Status", "Assigned To"]
    assert len(result[1]["data"][0]) == 6


def test_globex_contact_sees_globex_tickets_with_encoded_text(ctx):
    rows = _ticket_list(ctx, login(ctx, "dave@globex.example", "dave123"))[1]["data"]
    assert [row[0]["fielddata"] for row in rows] == ["TT4", "TT6", "TT7", "TT8"]
    assert rows[0][1]["fielddata"] == ('<a href="index.php?module=HelpDesk&action=index&fun=detail'
                                       '&ticketid=15">Taratura del Sensor Kit</a>')


def test_ticket_list_needs_the_callers_own_session(ctx):
    session = login(ctx)
    assert _ticket_list(ctx, {"id": "5", "sessionid": session["sessionid"]}) is None
    assert _ticket_list(ctx, {"id": "4", "sessionid": ""}) is None
    assert call(ctx, "get_tickets_list", ["4", session["sessionid"]]) is None


def _new_ticket(**extra):
    fields = {"title": "Printer on fire", "description": "Smoke & flames", "priority": "High",
              "severity": "Major", "category": "Big Problem", "parent_id": "4",
              "product_id": "7", "serviceid": "", "projectid": ""}
    fields.update(extra)
    return fields


def test_create_ticket_stores_an_open_ticket_for_the_caller(ctx):
    session = login(ctx)
    result = call(ctx, "create_ticket", {**session, **_new_ticket(priority="Bogus")})
    ticket_id = int(result[0]["new_ticket"]["ticketid"])
    row = ctx.store.query_one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    assert (row["ticket_no"], row["title"], row["description"], row["status"]) == (
        "TT9", "Printer on fire", "Smoke & flames", "Open")
    assert (row["priority"], row["severity"], row["contact_id"], row["account_id"],
            row["product_id"], row["from_portal"]) == ("", "Major", 4, 2, 7, 1)
    entity = ctx.store.query_one("SELECT owner_id, creator_id FROM entities WHERE id = ?",
                                 (ticket_id,))
    assert (entity["owner_id"], entity["creator_id"]) == (1, 1)


def test_create_ticket_assigns_a_group_default_assignee(ctx):
    ctx.store.execute("UPDATE portal_prefs SET value = '4' WHERE key = 'defaultassignee'")
    session = login(ctx)
    call(ctx, "create_ticket", {**session, **_new_ticket()})
    last_row = _ticket_list(ctx, session)[1]["data"][-1]
    assert last_row[0]["fielddata"] == "TT9"
    assert last_row[-1]["fielddata"] == "Support Group"


def test_create_ticket_refuses_another_parent_and_bad_sessions(ctx):
    session = login(ctx)
    assert call(ctx, "create_ticket", {**session, **_new_ticket(parent_id="5")}) is None
    assert call(ctx, "create_ticket", {"id": "4", "sessionid": "x", **_new_ticket()}) is None
    assert ctx.store.scalar("SELECT COUNT(*) FROM tickets") == 8 + ctx.store.scalar(
        "SELECT COUNT(*) FROM tickets WHERE id > 19")


def _relations_of(ctx, ticket_id):
    return {(row["crmid"], row["module"]) for row in ctx.store.query(
        "SELECT crmid, module FROM relations WHERE relcrmid = ?", (ticket_id,))}


def test_create_ticket_relates_only_visible_contracts_and_projects(ctx):
    contract = ctx.store.scalar("SELECT id FROM service_contracts WHERE related_to = 2")
    acme_project = ctx.store.scalar("SELECT id FROM projects WHERE linked_to = 2")
    globex_project = ctx.store.scalar("SELECT id FROM projects WHERE linked_to = 3")
    session = login(ctx)
    mine = call(ctx, "create_ticket", {**session, **_new_ticket(
        serviceid=str(contract), projectid=str(acme_project))})[0]["new_ticket"]["ticketid"]
    assert _relations_of(ctx, int(mine)) == {(contract, "ServiceContracts"),
                                             (acme_project, "Project")}
    other = call(ctx, "create_ticket", {**session, **_new_ticket(
        projectid=str(globex_project))})[0]["new_ticket"]["ticketid"]
    assert _relations_of(ctx, int(other)) == set()


def test_comments_newest_first_like_the_trace(ctx):
    comments = call(ctx, "get_ticket_comments", {**login(ctx), "ticketid": "12"})
    expected = trace("get_ticket_comments")
    assert [(c["owner"], c["comments"]) for c in comments] == \
        [(c["owner"], c["comments"]) for c in expected]
    assert comments[0]["createdtime"] > comments[1]["createdtime"]


def test_comment_markup_is_encoded_with_line_breaks(ctx):
    session = login(ctx)
    call(ctx, "update_ticket_comment", {**session, "ticketid": "13", "ownerid": "4",
                                        "comments": '<b>markup</b> & "quotes"\nline 2'})
    [comment] = call(ctx, "get_ticket_comments", {**session, "ticketid": "13"})
    assert comment["owner"] == "alice@acme.example"
    assert comment["comments"] == ("&lt;b&gt;markup&lt;/b&gt; &amp; &quot;quotes&quot;<br />\n"
                                   "line 2")
    assert comment["createdtime"] == "2026-11-23 23:30:00"


def test_comments_are_attributed_to_the_caller_not_ownerid(ctx):
    session = login(ctx)
    assert call(ctx, "update_ticket_comment", {**session, "ticketid": "12", "ownerid": "5",
                                               "comments": "mine"}) is None
    assert ctx.store.scalar("SELECT contact_id FROM ticket_comments WHERE content = 'mine'") == 4


@pytest.mark.parametrize("ticket, text", [("17", "foreign"), ("12", "   "), ("abc", "x")])
def test_comments_on_foreign_tickets_or_blank_are_dropped(ctx, ticket, text):
    before = ctx.store.scalar("SELECT COUNT(*) FROM ticket_comments")
    assert call(ctx, "update_ticket_comment", {**login(ctx), "ticketid": ticket, "ownerid": "4",
                                               "comments": text}) is None
    assert ctx.store.scalar("SELECT COUNT(*) FROM ticket_comments") == before


def test_comments_of_foreign_or_uncommented_tickets_are_empty(ctx):
    session = login(ctx)
    assert call(ctx, "get_ticket_comments", {**session, "ticketid": "17"}) == []
    assert call(ctx, "get_ticket_comments", {**session, "ticketid": "13"}) == \
        trace("get_ticket_comments.no_comments")
    assert call(ctx, "get_ticket_comments", {"id": "4", "sessionid": "x", "ticketid": "12"}) \
        is None


def test_close_own_and_colleagues_ticket_but_not_foreign(ctx):
    session = login(ctx)
    assert call(ctx, "close_current_ticket", {**session, "ticketid": "12"}) == "closed"
    assert call(ctx, "close_current_ticket", {**session, "ticketid": "14"}) == "closed"
    assert call(ctx, "close_current_ticket", {**session, "ticketid": "17"}) == "#NOT AUTHORIZED#"
    statuses = dict(ctx.store.query("SELECT id, status FROM tickets WHERE id IN (12, 14, 17)"))
    assert statuses == {12: "Closed", 14: "Closed", 17: "Open"}
    assert call(ctx, "close_current_ticket", {"id": "4", "sessionid": "", "ticketid": "12"}) \
        is None


def test_ticket_creator_is_a_session_probe(ctx):
    session = login(ctx)
    assert call(ctx, "get_ticket_creator", {**session, "ticketid": "0"}) == ""
    assert call(ctx, "get_ticket_creator", {**session, "ticketid": "12"}) == "1"
    assert call(ctx, "get_ticket_creator", {**session, "ticketid": "17"}) == ""
    assert call(ctx, "get_ticket_creator", {"id": "4", "sessionid": "x", "ticketid": "0"}) is None
