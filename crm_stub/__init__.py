"""The stub CRM: a Flask app speaking vtiger's customer-portal SOAP protocol over a SQLite store."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from pathlib import Path
from typing import Callable

from flask import Flask

from crm_stub.context import StubContext

log = logging.getLogger(__name__)


def build_app(ctx: StubContext, *, testing: bool = False) -> Flask:
    """Wire an app around an existing context (lets tests run the pipeline without a store)."""
    from crm_stub import set_password, web

    app = Flask(__name__)
    app.config["TESTING"] = testing
    app.extensions["crm_stub"] = ctx
    app.register_blueprint(web.bp)
    app.register_blueprint(set_password.bp)
    return app


def create_app(
    data_dir: str | Path,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    mailer: Callable[[str, str, str], None] | None = None,
    base_url: str = "",
    testing: bool = False,
) -> Flask:
    """Open (creating and seeding on first use) the store in ``data_dir`` and serve it.

    Mail goes to ``mailer``, else into ``data_dir/outbox``; ``base_url`` is where the stub is
    reachable from the mail reader (mailed set-password links are built on it).
    """
    from crm_stub import mail
    from crm_stub.store import Store

    importlib.import_module("crm_stub.operations")  # registers every operation
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(data_dir, now=clock() if clock is not None else None)
    ctx = StubContext(store=store, data_dir=data_dir, mailer=mail.mailer_for(mailer, data_dir),
                      base_url=base_url)
    if clock is not None:
        ctx.clock = clock  # seeded dates and operation dates come from the same clock
    log.info("stub CRM on %s", data_dir)
    return build_app(ctx, testing=testing)
