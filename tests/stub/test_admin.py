"""Admin actions over a seeded store, and the ``crm-stub admin`` command line."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import shutil

import pytest

import crm_stub.operations  # noqa: F401  (registers the operations the checks below call)
from crm_stub import admin_actions as actions
from crm_stub import cli
from crm_stub.context import StubContext
from crm_stub.operations import visibility
from crm_stub.operations.auth import authenticate_user
from crm_stub.operations.records import hidden_fieldnames
from crm_stub.store import DB_NAME, Store

NOW = dt.datetime(2026, 3, 10, 9, 0)
ADMIN_ENV = ("CRM_STUB_SMTP_HOST", "CRM_STUB_OUTBOX", "CRM_STUB_MAIL_FROM", "CRM_STUB_DATA")


@pytest.fixture
def data_dir(seeded_db_at, tmp_path, monkeypatch):
    for name in ADMIN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CRM_STUB_BASE_URL", "http://crm.test")
    shutil.copy(seeded_db_at(NOW), tmp_path / DB_NAME)
    return tmp_path


@pytest.fixture
def store(data_dir):
    opened = Store.open(data_dir)
    yield opened
    opened.close()


@pytest.fixture
def ctx(store, data_dir):
    return StubContext(store=store, data_dir=data_dir, clock=lambda: NOW)


def _contact(store, email):
    return store.query_one("SELECT * FROM contacts WHERE email = ?", (email,))


def test_add_contact_creates_a_contact_of_the_named_organization(store):
    contact_id = actions.add_contact(store, first="Gina", last="Gómez",
                                     email="gina@globex.example", account="Globex Ltd", now=NOW)
    row = _contact(store, "gina@globex.example")
    assert (row["id"], row["firstname"], row["lastname"]) == (contact_id, "Gina", "Gómez")
    assert (row["account_id"], row["contact_no"], row["portal"]) == (3, f"CON{contact_id}", 0)
    entity = store.query_one("SELECT module, created FROM entities WHERE id = ?", (contact_id,))
    assert (entity["module"], entity["created"]) == ("Contacts", "2026-03-10 09:00:00")


@pytest.mark.parametrize("kwargs, message", [
    ({"email": "ALICE@acme.example"}, "already exists"),
    ({"email": "not-an-address"}, "not an e-mail address"),
    ({"email": "new@acme.example", "account": "Initech"}, "no single organization"),
])
def test_add_contact_refusals(store, kwargs, message):
    with pytest.raises(actions.AdminError, match=message):
        actions.add_contact(store, first="X", last="Y", now=NOW, **kwargs)


def test_enable_makes_a_portal_user_with_a_hashed_token_and_no_usable_password(store, ctx):
    actions.add_contact(store, first="Gina", last="Gómez", email="gina@globex.example",
                        account="Globex Ltd", now=NOW)
    invitation = actions.enable_portal_user(store, "GINA@globex.example", now=NOW,
                                            language="sv_SE")
    row = _contact(store, "gina@globex.example")
    assert (row["portal"], row["support_start"], row["support_end"]) == (1, "2026-03-10",
                                                                         "2027-03-10")
    assert row["language"] == "sv-SE"
    login = store.query_one("SELECT * FROM portal_users WHERE contact_id = ?", (row["id"],))
    assert (login["user_name"], login["is_active"]) == ("gina@globex.example", 1)
    assert invitation.token not in login["password_hash"]
    tokens = store.query("SELECT * FROM password_tokens WHERE contact_id = ?", (row["id"],))
    assert [t["token_hash"] for t in tokens] == [
        hashlib.sha256(invitation.token.encode()).hexdigest()]
    assert (tokens[0]["expires"], tokens[0]["used"]) == ("2026-03-13 09:00:00", 0)
    assert (invitation.email, invitation.name, invitation.language) == (
        "gina@globex.example", "Gina Gómez", "sv-SE")
    assert authenticate_user(ctx, "gina@globex.example", invitation.token, "6.5.0") == [
        "INVALID_USERNAME_OR_PASSWORD"]


def test_enable_again_keeps_the_password_and_voids_the_older_link(store, ctx):
    first = actions.enable_portal_user(store, "alice@acme.example", now=NOW,
                                       start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    second = actions.enable_portal_user(store, "alice@acme.example", now=NOW)
    used = {t["token_hash"]: t["used"] for t in store.query(
        "SELECT token_hash, used FROM password_tokens WHERE contact_id = 4")}
    assert used == {hashlib.sha256(first.token.encode()).hexdigest(): 1,
                    hashlib.sha256(second.token.encode()).hexdigest(): 0}
    row = _contact(store, "alice@acme.example")
    assert (row["support_start"], row["support_end"]) == ("2026-01-01", "2026-06-30")
    assert authenticate_user(ctx, "alice@acme.example", "alice123", "6.5.0", "false")[0][
        "support_end_date"] == "2026-06-30"


def test_enable_refusals(store):
    with pytest.raises(actions.AdminError, match="before it starts"):
        actions.enable_portal_user(store, "bob@acme.example", now=NOW,
                                   start=dt.date(2026, 5, 1), end=dt.date(2026, 4, 1))
    with pytest.raises(actions.AdminError, match="language tag"):
        actions.enable_portal_user(store, "bob@acme.example", now=NOW, language="<x>")
    with pytest.raises(actions.AdminError, match="no contact"):
        actions.enable_portal_user(store, "nobody@acme.example", now=NOW)
    store.execute("UPDATE contacts SET email = 'bob@acme.example' WHERE id = 6")
    with pytest.raises(actions.AdminError, match="2 contacts share"):
        actions.enable_portal_user(store, "bob@acme.example", now=NOW)


def test_disable_ends_login_session_and_links(store, ctx):
    login = authenticate_user(ctx, "bob@acme.example", "bob123", "6.5.0")[0]
    invitation = actions.enable_portal_user(store, "bob@acme.example", now=NOW)
    assert actions.disable_portal_user(store, "bob@acme.example") == 5
    assert not visibility.valid_session(ctx, 5, login["sessionid"])
    assert authenticate_user(ctx, "bob@acme.example", "bob123", "6.5.0") == [
        "INVALID_USERNAME_OR_PASSWORD"]
    assert store.scalar("SELECT used FROM password_tokens WHERE token_hash = ?",
                        (hashlib.sha256(invitation.token.encode()).hexdigest(),)) == 1
    users = {u.user_name: u for u in actions.list_portal_users(store)}
    assert users["bob@acme.example"].active is False
    assert users["alice@acme.example"] == actions.PortalUser(
        4, "alice@acme.example", "Alice Anderson", "Acme Corporation", True, "2025-01-01",
        "2030-12-31", "", "")


def test_module_visibility_and_order_drive_get_modules(store, ctx):
    assert actions.set_module_visible(store, "assets", False).visible is False
    order = actions.order_modules(store, ["Faq", "Tickets"])
    assert order[:3] == ["Faq", "HelpDesk", "Invoice"]
    assert visibility.active_modules(ctx) == ["Faq", "HelpDesk", "Invoice", "Quotes",
                                              "Products", "Services", "Documents", "Contacts",
                                              "Accounts", "Project", "ProjectTask",
                                              "ProjectMilestone"]
    with pytest.raises(actions.AdminError, match="named twice"):
        actions.order_modules(store, ["Faq", "faq"])
    with pytest.raises(actions.AdminError, match="unknown portal module 'Leads'"):
        actions.set_module_visible(store, "Leads", True)


def test_show_all_and_hidden_fields_reach_the_operations(store, ctx):
    assert actions.set_show_all(store, "Tickets", False) == "HelpDesk"
    assert visibility.show_all(ctx, "HelpDesk") is False
    assert visibility.show_all(ctx, "Invoice") is True
    field = actions.set_field_hidden(store, "HelpDesk", "priority", True)
    assert (field.label, field.hidden) == ("Priority", True)
    assert hidden_fieldnames(ctx, "HelpDesk") == {"priority"}
    assert [f for f in actions.list_fields(store, "HelpDesk") if f.hidden] == [field]
    actions.set_field_hidden(store, "HelpDesk", "priority", False)
    assert hidden_fieldnames(ctx, "HelpDesk") == set()
    with pytest.raises(actions.AdminError, match="no portal field 'password'"):
        actions.set_field_hidden(store, "Contacts", "password", True)


@pytest.mark.parametrize("name, expected", [("sam", (5, "user", "sam")),
                                            ("Sam Support", (5, "user", "sam")),
                                            ("support group", (4, "group", "Support Group"))])
def test_default_assignee_is_a_user_or_group(store, name, expected):
    assert actions.set_default_assignee(store, name) == expected
    assert store.pref("defaultassignee") == str(expected[0])


def test_unknown_assignee_is_refused(store):
    with pytest.raises(actions.AdminError, match="no CRM user or group"):
        actions.set_default_assignee(store, "Nobody")
    assert store.pref("defaultassignee") == "1"


def test_cli_enable_writes_a_welcome_mail_with_the_link(data_dir, capsys):
    assert cli.main(["admin", "contact", "add", "--first", "Gina", "--last", "Gómez",
                     "--email", "gina@globex.example", "--account", "Globex Ltd",
                     "--data", str(data_dir)]) == 0
    assert cli.main(["admin", "portal-user", "enable", "--email", "gina@globex.example",
                     "--language", "it", "--end", "2027-01-31", "--data", str(data_dir)]) == 0
    out = capsys.readouterr().out
    gina = Store.open(data_dir).scalar("SELECT id FROM contacts WHERE email = ?",
                                       ("gina@globex.example",))
    assert f"contact {gina} added: Gina Gómez <gina@globex.example>" in out
    assert "portal access enabled for gina@globex.example; welcome mail" in out
    [eml] = (data_dir / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "gina@globex.example"
    assert message["Subject"] == "Your customer portal access / Il Suo accesso al portale clienti"
    text = message.get_body(("plain",)).get_content()
    assert text.count("http://crm.test/portal/set-password?token=") == 2
    assert "Gentile Gina Gómez," in text


def test_cli_lists_and_changes_settings(data_dir, capsys):
    data = ["--data", str(data_dir)]
    assert cli.main(["admin", "modules", "order", "Faq", *data]) == 0
    assert cli.main(["admin", "show-all", "Faq", "off", *data]) == 0
    assert cli.main(["admin", "fields", "hide", "Contacts", "mobile", *data]) == 0
    assert cli.main(["admin", "assignee", "set", "Support Group", *data]) == 0
    assert cli.main(["admin", "modules", "list", *data]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == ["portal order: Faq, HelpDesk, Invoice, Quotes, Products, Services, "
                       "Documents, Contacts, Accounts, Project, ProjectTask, ProjectMilestone, "
                       "Assets, ServiceContracts",
                       "Faq: records across the organization hidden",
                       "Contacts field mobile (Mobile Phone) hidden from the portal",
                       "portal tickets are now assigned to group Support Group (id 4)"]
    assert out[5].split() == ["1", "Faq", "yes", "yes", "no"]
    assert out[6].split() == ["2", "HelpDesk", "yes", "yes", "yes"]


@pytest.mark.parametrize("argv, message", [
    (["portal-user", "enable", "--email", "nobody@x.example"], "no contact with e-mail"),
    (["modules", "disable", "Leads"], "unknown portal module 'Leads'"),
    (["fields", "hide", "HelpDesk", "nope"], "HelpDesk has no portal field 'nope'"),
])
def test_cli_refusals_are_one_line_and_exit_1(data_dir, capsys, argv, message):
    assert cli.main(["admin", *argv, "--data", str(data_dir)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"crm-stub admin: {message}")
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_cli_refuses_a_directory_without_a_stub_crm(tmp_path, capsys):
    assert cli.main(["admin", "portal-user", "list", "--data", str(tmp_path)]) == 1
    assert "no stub CRM in" in capsys.readouterr().err
    assert not (tmp_path / DB_NAME).exists()


def test_cli_reports_a_failed_welcome_mail_but_keeps_the_access(data_dir, capsys,
                                                                monkeypatch, store):
    monkeypatch.setenv("CRM_STUB_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CRM_STUB_SMTP_PORT", "1")  # nothing listens there
    assert cli.main(["admin", "portal-user", "enable", "--email", "frank@globex.example",
                     "--data", str(data_dir)]) == 1
    assert "but the welcome mail failed" in capsys.readouterr().err
    assert store.scalar("SELECT is_active FROM portal_users WHERE contact_id = 25") == 1
