"""Ticket attachments: sending the customer's files to the CRM, finding a listed file, and
showing file sizes in the customer's locale."""

from __future__ import annotations

import logging
from typing import Sequence

from babel.units import format_unit
from flask_babel import get_locale

from portalclient.crm.errors import CrmError, SessionExpired
from portalclient.crm.models import Attachment, CrmSession
from portalclient.crm_access import get_crm
from portalclient.pages.files import Upload

log = logging.getLogger(__name__)

_UNITS = ((1000 ** 3, "digital-gigabyte"), (1000 ** 2, "digital-megabyte"),
          (1000, "digital-kilobyte"))


def attach_all(session: CrmSession, ticket_id: str, uploads: Sequence[Upload]) -> list[str]:
    """Send each file to the ticket; returns the names the CRM failed on (the rest are sent).

    A lost session still ends the request (the customer must log in again); any other CRM
    failure only costs that file, since the ticket itself already exists.
    """
    failed = []
    for upload in uploads:
        try:
            get_crm().attach_file(session, ticket_id, upload.filename, upload.content_type,
                                  upload.data)
        except SessionExpired:
            raise
        except CrmError as exc:
            log.warning("attaching %s to ticket %s failed: %s", upload.filename, ticket_id, exc)
            failed.append(upload.filename)
    return failed


def listed_file(attachments: Sequence[Attachment], file_id: str, name: str) -> Attachment | None:
    """The internal file with this id and stored name among the ticket's attachments."""
    return next((item for item in attachments
                 if not item.external and item.file_id == file_id and item.filename == name),
                None)


def file_size(size: int | None) -> str:
    """A byte count for people, in the customer's locale ('66 byte', '1,5 kB'); '' if unknown."""
    if size is None:
        return ""
    locale = get_locale()
    for factor, unit in _UNITS:
        if size >= factor:
            return format_unit(size / factor, unit, length="short", format="#,##0.#",
                               locale=locale)
    return format_unit(size, "digital-byte", length="short", locale=locale)
