"""The stub store: schema, deterministic seeding, hashed passwords, transactions, threads."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest
from werkzeug.security import check_password_hash

from crm_stub.store import Store, full_name
from tests.stub.support import NOW, call, login

CORE_TABLES = {
    "entities": {"id", "module", "owner_id", "creator_id", "created", "modified", "deleted"},
    "portal_users": {"contact_id", "user_name", "password_hash", "is_active", "login_time",
                     "logout_time", "last_login_time"},
    "sessions": {"contact_id", "session_id"},
    "portal_modules": {"name", "tabid", "visible", "sequence", "enabled", "show_related"},
    "documents": {"id", "title", "filename", "folder", "filetype", "filesize", "location_type",
                  "url", "note", "active", "download_count", "attachment_id"},
    "relations": {"crmid", "module", "relcrmid", "relmodule"},
}


def _dump(store: Store) -> dict[str, list[tuple]]:
    tables = [row[0] for row in store.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    dump = {}
    for table in tables:
        rows = [dict(row) for row in store.query(f"SELECT * FROM {table}")]
        for row in rows:
            row.pop("password_hash", None)
        dump[table] = [tuple(sorted(row.items())) for row in rows]
    return dump


def test_schema_has_the_agreed_columns(ctx):
    for table, columns in CORE_TABLES.items():
        present = {row["name"] for row in ctx.store.query(f"PRAGMA table_info({table})")}
        assert columns <= present, table


def test_seeding_is_deterministic_for_a_given_now(tmp_path):
    first = Store.open(tmp_path / "a", NOW)
    second = Store.open(tmp_path / "b", NOW)
    assert _dump(first) == _dump(second)
    assert first.scalar("SELECT COUNT(*) FROM tickets WHERE id BETWEEN 12 AND 19") == 8


def test_ids_mirror_the_traced_crm(ctx):
    names = {row["id"]: row["name"] for row in ctx.store.query("SELECT id, name FROM accounts")}
    assert names[2] == "Acme Corporation" and names[3] == "Globex Ltd"
    contacts = {row["id"]: row["email"] for row in ctx.store.query(
        "SELECT id, email FROM contacts")}
    assert (contacts[4], contacts[5], contacts[6]) == (
        "alice@acme.example", "bob@acme.example", "carol@globex.example")
    tickets = [row["ticket_no"] for row in ctx.store.query(
        "SELECT ticket_no FROM tickets WHERE id BETWEEN 12 AND 19 ORDER BY id")]
    assert tickets == [f"TT{n}" for n in range(1, 9)]


def test_passwords_are_hashed_never_stored_in_clear(ctx):
    for email, password in ctx.store.demo_logins():
        stored = ctx.store.scalar("SELECT password_hash FROM portal_users WHERE user_name = ?",
                                  (email,))
        assert stored != password and password not in stored
        assert check_password_hash(stored, password)


def test_first_demo_login_has_open_and_closed_tickets(ctx):
    email, password = ctx.store.demo_logins()[0]
    assert (email, password) == ("alice@acme.example", "alice123")
    statuses = {row["status"] for row in ctx.store.query(
        "SELECT status FROM tickets WHERE contact_id = 4")}
    assert {"Open", "Closed"} <= statuses


def test_support_windows_are_relative_to_now(ctx):
    rows = {row["firstname"]: row for row in ctx.store.query("SELECT * FROM contacts")}
    today = NOW.date()
    assert rows["Carol"]["support_end"] < today.isoformat()
    ends = dt.date.fromisoformat(rows["Erin"]["support_end"])
    assert today < ends <= today + dt.timedelta(days=30)


def test_one_session_per_contact(ctx):
    first = login(ctx)
    second = login(ctx)
    assert first["sessionid"] != second["sessionid"]
    assert ctx.store.scalar("SELECT COUNT(*) FROM sessions WHERE contact_id = 4") == 1
    assert call(ctx, "get_tickets_list", {**first, "onlymine": "", "where": "", "match": ""}) \
        is None


def test_transaction_rolls_back_and_nests(ctx):
    with pytest.raises(RuntimeError):
        with ctx.store.transaction():
            with ctx.store.transaction():
                ctx.store.insert("groups", id=99, name="Temp")
            raise RuntimeError("abort")
    assert ctx.store.scalar("SELECT name FROM groups WHERE id = 99") is None
    with ctx.store.transaction():
        ctx.store.insert("groups", id=99, name="Kept")
    assert ctx.store.scalar("SELECT name FROM groups WHERE id = 99") == "Kept"


def test_each_thread_gets_its_own_connection(ctx):
    seen = []
    worker = threading.Thread(target=lambda: seen.append(
        ctx.store.scalar("SELECT name FROM accounts WHERE id = 2")))
    worker.start()
    worker.join()
    assert seen == ["Acme Corporation"]


def test_reopening_keeps_data_and_does_not_reseed(ctx):
    ctx.store.insert("groups", id=98, name="Persisted")
    reopened = Store.open(ctx.data_dir)
    assert reopened.scalar("SELECT name FROM groups WHERE id = 98") == "Persisted"
    assert reopened.scalar("SELECT COUNT(*) FROM accounts WHERE name = 'Acme Corporation'") == 1


def test_owner_names_cover_users_and_groups(ctx):
    assert ctx.store.owner_name(1) == "Admin Administrator"
    assert ctx.store.owner_name(4) == "Support Group"
    assert ctx.store.owner_name(None) == ""


def test_user_names_are_unique_case_insensitively(ctx):
    with pytest.raises(sqlite3.IntegrityError):
        ctx.store.insert("portal_users", contact_id=5000, user_name="ALICE@ACME.EXAMPLE",
                         password_hash="x")


@pytest.mark.parametrize("first, last, expected", [
    ("Alice", "Doe", "Alice Doe"), ("", "Doe", "Doe"), (None, "Doe", "Doe"), ("Cher", None, "Cher"),
])
def test_full_name_leaves_out_empty_parts(first, last, expected):
    assert full_name(first, last) == expected
