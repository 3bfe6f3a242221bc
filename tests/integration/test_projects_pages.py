"""Projects pages against the stub CRM over real HTTP: list, detail, sections, refusals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from babel.dates import format_date
from flask import Flask, url_for

from crm_stub.admin_actions import set_module_visible
from portalclient import create_app
from tests.integration.conftest import (PortalVisitors, StubCrm, page, portal_overrides,
                                        stub_behind)
from tests.integration.crm_fixtures import OperationRecorder
from tests.servers import serve_wsgi

#: Stand-ins for pages other areas build, so links from a project page can be checked now.
LINKED_PAGES = {"tickets.detail": "/tickets/<record_id>", "documents.detail":
                "/documents/<record_id>", "tickets.new": "/tickets/new"}
#: Calls that take a project id but check nothing about it in a real CRM (PROTOCOL 6.4).
UNCHECKED_CALLS = {"get_project_components", "get_project_tickets", "get_documents"}


@dataclass(kw_only=True)
class ProjectPortal(PortalVisitors):
    """A stub CRM whose calls are recorded, and a portal app served against it."""

    recorder: OperationRecorder
    app: Flask

    def url_for(self, endpoint: str, **values: Any) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, **values)


def _stand_in(**_values: str) -> str:
    return "stand-in"


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[ProjectPortal]:
    with stub_behind(tmp_path, OperationRecorder) as (stub, recorder):
        app = create_app(overrides=portal_overrides(stub.url, tmp_path))
        for endpoint, rule in LINKED_PAGES.items():
            if endpoint not in app.view_functions:
                app.add_url_rule(rule, endpoint=endpoint, view_func=_stand_in)
        with serve_wsgi(app) as portal_url:
            running = ProjectPortal(stub=stub, recorder=recorder, app=app, url=portal_url)
            yield running
            running.close()


def project_id(stub: StubCrm, number: str) -> int:
    return int(stub.store.scalar("SELECT id FROM projects WHERE project_no = ?", (number,)))


def ticket_id(stub: StubCrm, number: str) -> int:
    return int(stub.store.scalar("SELECT id FROM tickets WHERE ticket_no = ?", (number,)))


def seed_date(stub: StubCrm, sql: str, *params: Any) -> dt.date:
    return dt.date.fromisoformat(stub.store.scalar(sql, params))


def rows(response: requests.Response, table_id: str) -> list[list[str]]:
    return [[cell.xpath("normalize-space(.)") for cell in row.xpath("td")]
            for row in page(response).xpath(f"//table[@id='{table_id}']/tbody/tr")]


def links(response: requests.Response, table_id: str) -> list[str]:
    return page(response).xpath(f"//table[@id='{table_id}']/tbody//a/@href")


def add_acme_projects(stub: StubCrm, names: list[str]) -> None:
    """More projects linked to Acme, to sort and page through."""
    for number, name in enumerate(names, start=10):
        project = stub.store.new_entity("Project", 1, 1)
        stub.store.insert("projects", id=project, project_no=f"PROJ{number}", name=name,
                          linked_to=2, start_date="2026-01-01", status="initiated")


def test_list_shows_the_organizations_projects_with_links(portal):
    alice = portal.log_in("alice@acme.example")
    response = alice.get("/projects")
    assert response.status_code == 200
    start = seed_date(portal.stub, "SELECT start_date FROM projects WHERE project_no = 'PROJ1'")
    assert rows(response, "projects") == [
        ["Acme Website Relaunch", format_date(start, "medium", locale="en"), "in progress",
         "operative", "Admin Administrator", "Acme Corporation"]]
    proj1 = project_id(portal.stub, "PROJ1")
    assert links(response, "projects") == [f"/projects/{proj1}", "/company/2"]
    assert "Globex Sensor Rollout" not in response.text
    menu = page(response).xpath("//nav[@class='module-menu']//a[@aria-current='page']/text()")
    assert menu == ["Projects"]


def test_mine_shows_only_projects_linked_to_the_contact(portal):
    alice = portal.log_in("alice@acme.example")
    mine = alice.get("/projects", params={"scope": "mine"})
    assert rows(mine, "projects") == []
    assert page(mine).xpath("normalize-space(//p[@class='empty'])") == "You have no projects."
    assert page(mine).xpath("//nav[@class='scope-switch']/a[@aria-current='page']/text()") == [
        "My projects"]


def test_search_sort_and_paging_happen_in_the_portal(portal):
    add_acme_projects(portal.stub, [f"Extra project {n:02d}" for n in range(1, 12)])
    alice = portal.log_in("alice@acme.example")
    found = alice.get("/projects", params={"q": "RELAUNCH acme"})
    assert [row[0] for row in rows(found, "projects")] == ["Acme Website Relaunch"]
    none = alice.get("/projects", params={"q": "Globex"})
    assert page(none).xpath("normalize-space(//p[@class='empty'])") == (
        "No project matches your search.")
    second = alice.get("/projects", params={"sort": "0", "dir": "desc", "per_page": "10",
                                            "page": "2"})
    assert [row[0] for row in rows(second, "projects")] == ["Extra project 01",
                                                           "Acme Website Relaunch"]
    assert page(second).xpath("normalize-space(//p[contains(@class,'pager-range')])") == (
        "Showing 11–12 of 12")


def test_detail_shows_fields_tasks_milestones_tickets_and_documents(portal):
    alice = portal.log_in("alice@acme.example")
    proj1 = project_id(portal.stub, "PROJ1")
    response = alice.get(f"/projects/{proj1}")
    assert response.status_code == 200
    html = page(response)
    assert html.xpath("normalize-space(//h1)") == "Acme Website Relaunch"
    fields = {term.xpath("normalize-space(.)"): term.xpath("normalize-space(../dd)")
              for term in html.xpath("//section[contains(@class,'detail-block')]//dt")}
    assert fields["Project No"] == "PROJ1"
    assert fields["Status"] == "in progress"
    assert fields["Progress"] == "40%"
    assert html.xpath("//dd//progress/@value") == ["40"]
    assert [row[0] for row in rows(response, "project-tasks")] == [
        "Design mockups", "Implementation", "Lanseringschecklista (go-live)"]
    assert [row[4:6] for row in rows(response, "project-tasks")] == [
        ["Completed", "100%"], ["In Progress", "50%"], ["Open", "0%"]]
    assert html.xpath("//table[@id='project-tasks']//progress/@value") == ["100", "50", "0"]
    milestone = seed_date(portal.stub, "SELECT milestone_date FROM project_milestones"
                                       " WHERE name = 'Go live'")
    assert rows(response, "project-milestones")[1] == [
        "Go live", format_date(milestone, "medium", locale="en"), "operative"]
    assert [row[:2] + row[4:6] for row in rows(response, "project-tickets")] == [
        ["TT3", "Cannot log in to the dashboard", "In Progress", "Normal"],
        ["TT5", "Account-level maintenance request", "Wait For Response", "Normal"]]
    tt3, tt5 = ticket_id(portal.stub, "TT3"), ticket_id(portal.stub, "TT5")
    assert [href for href in links(response, "project-tickets") if "/tickets/" in href] == [
        f"/tickets/{tt3}", f"/tickets/{tt5}"]
    plan = portal.stub.store.scalar("SELECT id FROM documents WHERE title = 'Project plan'")
    assert [row[:2] for row in rows(response, "project-documents")] == [
        ["Project plan", "project-plan.txt"]]
    assert links(response, "project-documents") == [f"/documents/{plan}"] * 2


def test_detail_offers_a_ticket_about_the_project(portal):
    alice = portal.log_in("alice@acme.example")
    proj1 = project_id(portal.stub, "PROJ1")
    button = page(alice.get(f"/projects/{proj1}")).xpath("//a[@id='new-project-ticket']")
    assert [(a.get("href"), a.text) for a in button] == [
        (portal.url_for("tickets.new", project=str(proj1)), "Raise a ticket about this project")]


def test_empty_sections_say_so(portal):
    dave = portal.log_in("dave@globex.example")
    response = dave.get(f"/projects/{project_id(portal.stub, 'PROJ2')}")
    assert [row[0] for row in rows(response, "project-tasks")] == ["Site survey"]
    assert [row[0] for row in rows(response, "project-tickets")] == ["TT6"]
    empty = page(response).xpath("//section[contains(@class,'project-section')]"
                                 "//p[@class='empty']/text()")
    assert empty == ["This project has no milestones yet.",
                     "No documents are related to this project."]


def test_another_companys_project_is_refused_before_any_unchecked_call(portal):
    alice = portal.log_in("alice@acme.example")
    portal.recorder.seen.clear()
    response = alice.get(f"/projects/{project_id(portal.stub, 'PROJ2')}")
    assert response.status_code == 403
    assert "Globex Sensor Rollout" not in response.text
    assert "Site survey" not in response.text
    # The portal's own check (the customer's project list, read afresh once for an id it does
    # not name) refuses before any project call.
    assert "get_list_values" in portal.recorder.seen
    assert not portal.recorder.seen & UNCHECKED_CALLS
    alice.get(f"/projects/{project_id(portal.stub, 'PROJ1')}")
    assert portal.recorder.seen >= UNCHECKED_CALLS  # the control: own projects do make them


def test_bad_project_ids(portal):
    alice = portal.log_in("alice@acme.example")
    statuses = {path: alice.get(path).status_code
                for path in ("/projects/abc", "/projects/0", "/projects/-3", "/projects/999999")}
    assert statuses == {"/projects/abc": 404, "/projects/0": 404, "/projects/-3": 404,
                        "/projects/999999": 403}


@pytest.mark.parametrize("hidden_after_login", [False, True])
def test_disabled_milestones_hide_their_section(portal, hidden_after_login):
    if not hidden_after_login:
        set_module_visible(portal.stub.store, "ProjectMilestone", False)
    alice = portal.log_in("alice@acme.example")
    if hidden_after_login:  # the portal's module list still names it: the CRM refuses the call
        set_module_visible(portal.stub.store, "ProjectMilestone", False)
    response = alice.get(f"/projects/{project_id(portal.stub, 'PROJ1')}")
    assert response.status_code == 200
    assert page(response).xpath("//table[@id='project-milestones']") == []
    assert page(response).xpath("//h2[@id='milestones-heading']") == []
    assert len(rows(response, "project-tasks")) == 3
    assert len(rows(response, "project-tickets")) == 2


def test_disabled_project_module_is_a_404(portal):
    set_module_visible(portal.stub.store, "Project", False)
    alice = portal.log_in("alice@acme.example")
    assert alice.get("/projects").status_code == 404
    assert alice.get(f"/projects/{project_id(portal.stub, 'PROJ1')}").status_code == 404
    menu = page(alice.get("/")).xpath("//nav[@class='module-menu']//a/text()")
    assert "Projects" not in menu


def test_german_project_page(portal):
    alice = portal.log_in("alice@acme.example", language="de")
    response = alice.get(f"/projects/{project_id(portal.stub, 'PROJ1')}")
    assert response.status_code == 200
    html = page(response)
    assert html.xpath("/html/@lang") == ["de"]
    assert [row[5] for row in rows(response, "project-tasks")] == ["100\u00a0%", "50\u00a0%", "0\u00a0%"]
    start = seed_date(portal.stub, "SELECT start_date FROM project_tasks"
                                   " WHERE name = 'Design mockups'")
    assert rows(response, "project-tasks")[0][1] == format_date(start, "medium", locale="de")


def test_logged_out_visitor_goes_to_login(portal):
    response = requests.get(f"{portal.url}/projects", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/projects"
