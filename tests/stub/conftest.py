"""Fixtures for the stub CRM: seeded databases, per-test contexts, a real server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import pytest

from crm_stub import create_app
from crm_stub.context import StubContext
from tests.servers import serve_wsgi
from tests.stub import records_support
from tests.stub.support import NOW, Clock, Outbox, open_copy, seed_database


@pytest.fixture(scope="session")
def seeded_db_at(tmp_path_factory) -> Callable[[dt.datetime], Path]:
    """``seeded_db_at(now)``: a database file seeded relative to ``now``, built once per ``now``."""
    files: dict[dt.datetime, Path] = {}

    def seeded(now: dt.datetime) -> Path:
        if now not in files:
            files[now] = seed_database(tmp_path_factory.mktemp("seeded"), now)
        return files[now]

    return seeded


@pytest.fixture(scope="session")
def template_db(seeded_db_at) -> Path:
    """The seeded database of the core operation tests."""
    return seeded_db_at(NOW)


@pytest.fixture
def ctx(template_db, tmp_path) -> StubContext:
    """A context over a private copy of ``template_db``, a settable clock and an Outbox."""
    store = open_copy(template_db, tmp_path)
    yield StubContext(store=store, data_dir=tmp_path, clock=Clock(), mailer=Outbox(),
                      base_url="http://crm.test")
    store.close()


@pytest.fixture(scope="session")
def seeded_db(seeded_db_at) -> Path:
    """The seeded database of the record-operation tests."""
    return seeded_db_at(records_support.NOW)


@pytest.fixture
def crm(seeded_db, tmp_path) -> records_support.Crm:
    crm = records_support.Crm(seeded_db, tmp_path)
    yield crm
    crm.store.close()


@pytest.fixture(scope="session")
def stub_data_dir(tmp_path_factory):
    """One seeded data directory shared by the session's stub server."""
    return tmp_path_factory.mktemp("crm-stub")


@pytest.fixture(scope="session")
def stub_app(stub_data_dir):
    return create_app(stub_data_dir, testing=True)


@pytest.fixture(scope="session")
def stub_server(stub_app):
    """Base URL (``http://127.0.0.1:<port>``) of the stub CRM served over real HTTP."""
    with serve_wsgi(stub_app) as base_url:
        yield base_url
