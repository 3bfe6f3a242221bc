"""Documents: list, detail, download, upload (as an attachment to one of the customer's tickets)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("documents", __name__)
