"""Helpers shared by the stub tests: seeded database copies, a settable clock, operation calls."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import crm_stub.operations as operations
from crm_stub.context import StubContext
from crm_stub.store import DB_NAME, Store

#: The clock reading of the core operation tests (the ``ctx`` fixture).
NOW = dt.datetime(2026, 11, 23, 23, 30)
TRACES = Path(__file__).resolve().parent.parent / "crm" / "traces"


class Clock:
    """A settable CRM clock."""

    def __init__(self, now: dt.datetime = NOW):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class Outbox:
    """A mailer that keeps what it was asked to send."""

    def __init__(self):
        self.sent: list[tuple[str, str, str]] = []

    def __call__(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


def seed_database(directory: Path, now: dt.datetime) -> Path:
    """Create a seeded database in ``directory`` (seeding hashes passwords: slow); its file."""
    Store.open(directory, now).close()
    return directory / DB_NAME


def open_copy(db_file: Path, data_dir: Path) -> Store:
    """A store over a private copy of the seeded ``db_file`` in ``data_dir``."""
    shutil.copy(db_file, data_dir / DB_NAME)
    return Store.open(data_dir)


def call(ctx: StubContext, name: str, *args: Any) -> Any:
    """Invoke a registered operation as the SOAP layer would."""
    return operations.OPERATIONS[name].func(ctx, *args)


def login(ctx: StubContext, email: str = "alice@acme.example", password: str = "alice123") -> dict:
    """Log in and return the ``{id, sessionid}`` struct members for later calls."""
    user = call(ctx, "authenticate_user", email, password, "6.0.0")[0]
    return {"id": user["id"], "sessionid": user["sessionid"]}


def trace(name: str) -> Any:
    """What the PHP client decoded for a captured exchange."""
    return json.loads((TRACES / f"{name}.decoded.json").read_text("utf-8"))["result"]


def set_module(ctx: StubContext, module: str, **columns: int) -> None:
    """Change a portal tab's flags (visible, enabled, show_related)."""
    for column, value in columns.items():
        ctx.store.execute(f"UPDATE portal_modules SET {column} = ? WHERE name = ?",
                          (value, module))
