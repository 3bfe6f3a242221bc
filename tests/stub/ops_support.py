"""Fixtures for the core operation tests: a seeded store per test (copied from one template)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import crm_stub.operations as operations
from crm_stub.context import StubContext
from crm_stub.store import DB_NAME, Store

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


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("template")
    Store.open(directory, NOW)
    return directory / DB_NAME


@pytest.fixture
def ctx(template_db, tmp_path) -> StubContext:
    shutil.copy(template_db, tmp_path / DB_NAME)
    store = Store.open(tmp_path)
    context = StubContext(store=store, data_dir=tmp_path, clock=Clock(), mailer=Outbox(),
                          base_url="http://crm.test")
    yield context
    store.close()


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
