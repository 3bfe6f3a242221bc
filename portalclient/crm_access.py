"""The app's one CRM client per process, kept in ``app.extensions`` (views call ``get_crm()``)."""

from __future__ import annotations

from flask import Flask, current_app

from portalclient.crm.client import CrmClient
from portalclient.crm.settings import CrmSettings

EXTENSION_KEY = "portalclient.crm"


def init_crm(app: Flask, settings: CrmSettings) -> None:
    """Create the process-wide CRM client (thread-safe, shared by all requests)."""
    app.extensions[EXTENSION_KEY] = CrmClient(settings)


def get_crm() -> CrmClient:
    """The running app's CRM client."""
    return current_app.extensions[EXTENSION_KEY]
