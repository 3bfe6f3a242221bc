"""Projects: list, detail with tasks, milestones, tickets and documents."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("projects", __name__)
