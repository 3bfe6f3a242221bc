"""Typed results of the CRM client: frozen dataclasses, never zeep objects or nusoap arrays.

Every text value here is plain text: entity-decoded, anchors resolved into ids, ``<br />``
turned into newlines. Templates escape it; nothing from the CRM is ever treated as markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class CrmSession:
    """What every authenticated call must carry: the contact id and the CRM's session id.

    The session id is a bearer token with no expiry on the CRM side; it stays server-side in the
    portal (never in a cookie, URL or log), hence ``repr=False``.
    """

    contact_id: str
    session_id: str = ""
    user_name: str = ""

    def __repr__(self) -> str:  # never leak the session id into logs or tracebacks
        return f"CrmSession(contact_id={self.contact_id!r}, user_name={self.user_name!r})"


@dataclass(frozen=True)
class Customer:
    """A logged-in portal contact, from authenticate_user."""

    session: CrmSession
    user_name: str
    last_login: dt.datetime | None
    support_start: dt.date | None
    support_end: dt.date | None

    @property
    def contact_id(self) -> str:
        return self.session.contact_id


@dataclass(frozen=True)
class RecordRef:
    """A CRM record a value points at, parsed out of an embedded ``<a href="index.php?…">``."""

    module: str
    record_id: str


@dataclass(frozen=True)
class Cell:
    """One table cell: its plain text, and the record it links to if it was an anchor."""

    text: str
    ref: RecordRef | None = None
    #: An external http(s)/mailto URL (documents stored as links); never javascript: or data:.
    url: str | None = None


@dataclass(frozen=True)
class TicketRow:
    """One row of get_tickets_list, with the columns the portal relies on picked out."""

    ticket_id: str
    number: str
    title: str
    status: str
    priority: str
    #: Every column as the CRM sent it, aligned with ``TicketList.columns``.
    cells: tuple[Cell, ...] = ()

    @property
    def is_closed(self) -> bool:
        return self.status.strip().lower() == "closed"
