"""Helpers of the record-operation tests: a logged-in seeded CRM and shape readers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crm_stub.context import StubContext
from tests.stub.support import call, open_copy, set_module

#: The clock reading of the record-operation tests (the ``crm`` fixture).
NOW = dt.datetime(2026, 11, 23, 23, 20, 0)
#: Contact e-mail -> the session id the tests log them in with.
SESSIONS = {"alice@acme.example": "sess-alice", "bob@acme.example": "sess-bob",
            "dave@globex.example": "sess-dave", "erin@globex.example": "sess-erin"}
NA, INACTIVE = ["#NOT AUTHORIZED#"], ["#MODULE INACTIVE#"]


class Crm:
    """A StubContext over a private copy of the seeded store, plus lookup helpers."""

    def __init__(self, db_file: Path, data_dir: Path):
        self.store = open_copy(db_file, data_dir)
        self.ctx = StubContext(store=self.store, data_dir=data_dir, clock=lambda: NOW)
        for email, session in SESSIONS.items():
            self.store.execute("INSERT OR REPLACE INTO sessions(contact_id, session_id)"
                               " VALUES (?, ?)", (self.contact(email), session))

    def call(self, name: str, *params):
        """Run an operation as the SOAP layer would, with positional parameters."""
        return call(self.ctx, name, *params)

    def id(self, sql: str, *params) -> int:
        value = self.store.scalar(sql, params)
        assert value is not None, f"no row for {sql} {params}"
        return int(value)

    def contact(self, email: str) -> int:
        return self.id("SELECT id FROM contacts WHERE email = ?", email)

    def as_(self, email: str) -> tuple[str, str]:
        """(contact id, session id) strings of a logged-in demo contact."""
        return str(self.contact(email)), SESSIONS[email]

    def record(self, table: str, column: str, value) -> int:
        return self.id(f"SELECT id FROM {table} WHERE {column} = ?", value)

    def set_show_all(self, module: str, on: bool) -> None:
        set_module(self.ctx, module, show_related=int(on))

    def hide_tab(self, module: str) -> None:
        set_module(self.ctx, module, visible=0)


def labels_and_blocks(result) -> list[tuple[str, str]]:
    """(fieldlabel, blockname) pairs of a shape-D answer."""
    (module_fields,) = result[0].values()
    return [(field["fieldlabel"], field["blockname"]) for field in module_fields]


def values(result) -> dict[str, object]:
    """label -> value of a shape-D answer (later duplicates win)."""
    (module_fields,) = result[0].values()
    return {field["fieldlabel"]: field["fieldvalue"] for field in module_fields}


def table(result, module: str) -> tuple[list[str], list[list[object]]]:
    """(labels, rows) of a T2 answer."""
    head = [cell["fielddata"] for cell in result[0][module]["head"][0]]
    rows = [[cell["fielddata"] for cell in row] for row in result[1][module]["data"]]
    return head, rows
