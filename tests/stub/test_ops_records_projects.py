"""get_project_components and get_project_tickets: raw values, strict project visibility."""

from __future__ import annotations

import pytest

from tests.stub.records_support import INACTIVE, NA, table


@pytest.fixture
def proj1(crm):
    return str(crm.record("projects", "project_no", "PROJ1"))


def test_tasks(crm, proj1):
    result = crm.call("get_project_components", proj1, "ProjectTask",
                      *crm.as_("alice@acme.example"))
    head, rows = table(result, "ProjectTask")
    assert head == ["Project Task Name", "Start Date", "End Date", "Type", "Status", "Progress",
                    "Assigned To"]
    assert rows == [
        ["Design mockups", "2026-09-04", "2026-10-04", "", "Completed", "100%",
         "Admin Administrator"],
        ["Implementation", "2026-10-05", "2026-12-13", "", "In Progress", "50%",
         "Admin Administrator"],
        ["Lanseringschecklista (go-live)", "2026-12-14", "2027-02-01", "", "Open", "0%",
         "Admin Administrator"]]


def test_milestones(crm, proj1):
    head, rows = table(crm.call("get_project_components", proj1, "ProjectMilestone",
                                *crm.as_("bob@acme.example")), "ProjectMilestone")
    assert head == ["Project Milestone Name", "Milestone Date", "Type"]
    assert rows == [["Design approved", "2026-10-04", "administrative"],
                    ["Go live", "2027-02-01", "operative"]]


def test_project_tickets(crm, proj1):
    tt3, tt5 = (crm.record("tickets", "ticket_no", number) for number in ("TT3", "TT5"))
    head, rows = table(crm.call("get_project_tickets", proj1, "HelpDesk",
                                *crm.as_("alice@acme.example")), "HelpDesk")
    assert head == ["Ticket No", "Subject", "Related to", "Contact Name", "Status", "Priority",
                    "Assigned To"]
    acme = '<a href="index.php?module=Accounts&action=index&id=2">Acme Corporation</a>'
    assert rows == [
        ["TT3", f'<a href="index.php?module=HelpDesk&action=index&fun=detail&ticketid={tt3}">'
         "Cannot log in to the dashboard</a>", acme,
         '<a href="index.php?module=Contacts&action=index&id=5">Bob Brown</a>', "In Progress",
         "Normal", "Admin Administrator"],
        ["TT5", f'<a href="index.php?module=HelpDesk&action=index&fun=detail&ticketid={tt5}">'
         "Account-level maintenance request</a>", acme, "", "Wait For Response", "Normal",
         "Admin Administrator"]]


@pytest.mark.parametrize("operation, module", [("get_project_components", "ProjectTask"),
                                               ("get_project_components", "ProjectMilestone"),
                                               ("get_project_tickets", "HelpDesk")])
def test_strict_project_visibility_and_refusals(crm, proj1, operation, module):
    dave = crm.as_("dave@globex.example")
    alice_id, session = crm.as_("alice@acme.example")
    assert crm.call(operation, proj1, module, *dave) == NA
    assert crm.call(operation, "999999", module, alice_id, session) == NA
    assert crm.call(operation, "2", module, alice_id, session) == NA  # not a project
    assert crm.call(operation, proj1, module, alice_id, "bad") is None
    crm.set_show_all("Project", False)
    assert crm.call(operation, proj1, module, alice_id, session) == NA
    crm.hide_tab(module)
    assert crm.call(operation, proj1, module, alice_id, "bad") == INACTIVE


def test_project_without_rows_is_none(crm):
    proj2 = str(crm.record("projects", "project_no", "PROJ2"))
    assert crm.call("get_project_components", proj2, "ProjectMilestone",
                    *crm.as_("dave@globex.example")) is None
    assert crm.call("get_project_components", proj2, "Faq",
                    *crm.as_("dave@globex.example")) is None
