"""What an operation needs besides its parameters: the store, the clock and the mailer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


def utc_now() -> dt.datetime:
    """CRM database time as the stub keeps it: naive UTC, whole seconds."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


@dataclass
class StubContext:
    """Per-app state handed to every operation (kept in ``app.extensions['crm_stub']``)."""

    #: A ``crm_stub.store.Store``.
    store: Any
    data_dir: Path
    #: Returns the CRM's "database time" (naive, no zone), replaceable in tests.
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    #: Sends mail: ``mailer(to, subject, text_body)``; None means write to ``data_dir/outbox``.
    mailer: Callable[[str, str, str], None] | None = None
    #: Base URL the stub is reachable at (for anchors and the WSDL address).
    base_url: str = ""

    def today(self) -> dt.date:
        return self.clock().date()
