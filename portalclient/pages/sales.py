"""Invoices and quotes: lists, details with line items and totals, PDF downloads."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sales", __name__)
