"""The customer's own contact and company, and colleagues the CRM shows."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("company", __name__)
