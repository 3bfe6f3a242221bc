"""portalclient: a customer self-service portal for vtiger-family CRMs.

The application factory lives in ``portalclient.app``; its names are loaded here on first use,
so importing the package alone (gunicorn's master process, the ``portalclient`` command) loads
neither Flask nor zeep nor the CRM client, and a production master stays small.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "content_security_policy", "url_prefix"]


def __getattr__(name: str) -> Any:
    """``portalclient.create_app`` and friends, imported from ``portalclient.app`` when asked."""
    if name in __all__:
        from portalclient import app
        return getattr(app, name)
    raise AttributeError(f"module 'portalclient' has no attribute {name!r}")
