"""Fixtures for the stub CRM: a real server on 127.0.0.1 over a fresh data directory."""

from __future__ import annotations

import pytest

from crm_stub import create_app
from tests.servers import serve_wsgi


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
