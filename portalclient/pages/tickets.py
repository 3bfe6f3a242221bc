"""Tickets: list, filters, CSV export, new ticket, detail, comments, attachments, close."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tickets", __name__)
