"""Products, services, assets and service contracts: lists (Mine / All) and details."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("catalog", __name__)
