"""Typed results of the CRM client: frozen dataclasses, never zeep objects or nusoap arrays.

Every text value here is plain text: entity-decoded, anchors resolved into ids, ``<br />``
turned into newlines. Templates escape it; nothing from the CRM is ever treated as markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import CrmError


class FileUnavailable(CrmError):
    """The CRM has no file for this record (no attachment, wrong name, missing on its disk)."""


class PdfUnavailable(FileUnavailable):
    """The CRM could not produce the PDF (get_pdf answered [] or failed with HTTP 500)."""


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


@dataclass(frozen=True)
class TicketList:
    """get_tickets_list: the column labels as the CRM sent them, and one TicketRow per ticket."""

    columns: tuple[str, ...]
    rows: tuple[TicketRow, ...]


@dataclass(frozen=True)
class NewTicket:
    """What create_ticket needs; picklist values as offered by ``TicketFormOptions``."""

    title: str
    description: str = ""
    priority: str = ""
    severity: str = ""
    category: str = ""
    product_id: str = ""
    service_id: str = ""
    project_id: str = ""


@dataclass(frozen=True)
class TicketFormOptions:
    """get_combo_values, looked up by key: what the New Ticket form may offer."""

    products: tuple[tuple[str, str], ...]  # (product id, name)
    priorities: tuple[str, ...]
    severities: tuple[str, ...]
    categories: tuple[str, ...]
    service_contracts: tuple[tuple[str, str], ...]  # (service contract id, subject)


@dataclass(frozen=True)
class PasswordMailResult:
    """send_mail_for_password: whether the CRM says it sent the mail, and its message as text."""

    sent: bool
    message: str = ""


@dataclass(frozen=True)
class Field:
    """One labelled value of a detail view."""

    label: str
    cell: Cell


@dataclass(frozen=True)
class Block:
    """Consecutive detail fields sharing one (translated) block name."""

    name: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class RecordDetail:
    """get_details / get_invoice_detail: one record's fields, grouped in blocks."""

    module: str
    record_id: str
    blocks: tuple[Block, ...]

    def fields(self) -> tuple[Field, ...]:
        """All fields in CRM order, across blocks."""
        return tuple(field for block in self.blocks for field in block.fields)

    def value(self, label: str) -> Cell | None:
        """The first field labelled ``label`` (labels are CRM-language data, use sparingly)."""
        return next((f.cell for f in self.fields() if f.label == label), None)


@dataclass(frozen=True)
class RecordTable:
    """A module list (get_list_values and friends): labels, and rows of cells aligned with them.

    ``source`` tells product/service blocks apart: 'related', 'quotes' or 'invoices'.
    """

    module: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    source: str = ""


@dataclass(frozen=True)
class Comment:
    """One ticket comment, newest first as the CRM sends them."""

    author: str
    text: str
    created: dt.datetime | None


@dataclass(frozen=True)
class Attachment:
    """One document linked to a ticket; external ones are URLs (``filename``), not files."""

    file_id: str
    filename: str
    content_type: str
    size: int | None
    external: bool

    @property
    def url(self) -> str | None:
        """The link of an external document, if it is a safe http(s) URL."""
        if not self.external:
            return None
        lowered = self.filename.strip().lower()
        return self.filename.strip() if lowered.startswith(("http://", "https://")) else None


@dataclass(frozen=True)
class FileContent:
    """A downloaded file; the name is as the CRM stored it (untrusted, sanitise before use)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class FaqComment:
    """A comment on a FAQ (anonymous: the CRM stores no author)."""

    text: str
    created: dt.datetime | None


@dataclass(frozen=True)
class Faq:
    """One published FAQ."""

    id: str
    number: str
    question: str
    answer: str
    category: str
    product_id: str | None
    created: dt.datetime | None
    modified: dt.datetime | None
    comments: tuple[FaqComment, ...] = ()
    #: The answer as stored in the CRM (often CKEditor HTML): entity-decoded once, NOT
    #: sanitized. The one exception to "plain text only": never render it without the portal's
    #: allow-list sanitizer (pages.richtext).
    answer_html: str = ""


@dataclass(frozen=True)
class KnowledgeBase:
    """get_KBase_details: FAQ categories, products (id, name) and published FAQs."""

    categories: tuple[str, ...]
    products: tuple[tuple[str, str], ...]
    faqs: tuple[Faq, ...]
