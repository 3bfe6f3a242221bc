"""The customer's pages, one blueprint per area; ``common``, ``links`` and ``files`` are shared.

Views here never speak SOAP: they call the typed ``CrmClient`` (through ``get_crm()``) and the
metadata caches, and render templates. Each area module defines ``bp`` and, at registration,
tells the menu which CRM module it shows (``home.register_module_page``).
"""

from __future__ import annotations

import importlib

from flask import Flask

#: Area modules, each with a blueprint ``bp``.
AREAS = ("tickets", "faq", "documents", "sales", "catalog", "projects", "company", "account")


def register_pages(app: Flask) -> None:
    """Register every area's blueprint on ``app``."""
    for name in AREAS:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
