"""FAQ knowledge base: browse by category and product, search, article with comments and documents."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("faq", __name__)
