"""The CRM client's core, shared by every business area: the SOAP channel and the answer guards."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

from . import tables
from .codec import decode_response
from .errors import ModuleInactive, NotAuthorized, SessionExpired
from .markup import php_str
from .models import CrmSession
from .parallel import CallPool
from .settings import CrmSettings
from .transport import SoapChannel

log = logging.getLogger(__name__)

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe(value: Any) -> Any:
    """Strip C0 control characters from outgoing strings (they would make the XML invalid)."""
    if isinstance(value, str):
        return _CONTROL_CHARS.sub("", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    return value


def flag(value: bool) -> str:
    """A boolean as the CRM's string flags spell it."""
    return "true" if value else "false"


class CrmBase:
    """Sends operations and turns in-band errors into exceptions; the area mixins build on it."""

    def __init__(self, settings: CrmSettings, *, channel: SoapChannel | None = None) -> None:
        self.settings = settings
        self._soap = channel or SoapChannel(settings)
        self.calls = CallPool(settings.pool_size)

    def close(self) -> None:
        """Release pooled connections and the call threads."""
        self.calls.shutdown()
        self._soap.close()

    def together(self, *thunks: Callable[[], Any]) -> list[Any]:
        """Independent calls at once (see ``parallel``): results in order, first error raised."""
        return self.calls.together(*thunks)

    def _call(self, operation: str, *args: Any) -> Any:
        """Send one operation and decode the answer; transport and SOAP errors propagate."""
        reply = self._soap.send(operation, *(xml_safe(arg) for arg in args))
        result = decode_response(reply.body, status=reply.status,
                                 content_type=reply.content_type, operation=operation)
        log.debug("%s answered %s", operation, type(result).__name__)
        return result

    def _session_call(self, session: CrmSession, operation: str, **members: str) -> Any:
        """Call a struct operation carrying the contact id and session id."""
        struct = {"id": session.contact_id, "sessionid": session.session_id, **members}
        return self._call(operation, struct)

    @staticmethod
    def _raise_sentinel(result: Any, operation: str) -> None:
        """The CRM's sentinel strings -> NotAuthorized / ModuleInactive."""
        found = tables.sentinel(result)
        if found == tables.NOT_AUTHORIZED:
            raise NotAuthorized(operation=operation)
        if found == tables.MODULE_INACTIVE:
            raise ModuleInactive(operation=operation)

    def _data(self, result: Any, operation: str) -> Any:
        """Sentinels -> exceptions; nil (None or vtenext's '') -> SessionExpired."""
        self._raise_sentinel(result, operation)
        if result is None or result == "":
            raise SessionExpired(operation=operation)
        return result

    def _maybe_empty(self, session: CrmSession, result: Any, operation: str, *,
                     probe: bool = True) -> Any | None:
        """For answers where nil means 'no rows' OR 'bad session': probe, then None or raise.

        ``probe=False`` when the caller checks the session with another call of the same page
        (get_details raises SessionExpired on nil): then nil just means 'no rows'.
        """
        self._raise_sentinel(result, operation)
        if result is not None and result != "":
            return result
        if probe:
            self._ensure_alive(session, operation)
        return None

    def _ensure_alive(self, session: CrmSession, operation: str) -> None:
        """After a void operation (always nil), tell a silent no-op on a dead session apart."""
        if not self.is_session_alive(session):
            raise SessionExpired(operation=operation)

    def is_session_alive(self, session: CrmSession) -> bool:
        """Probe with get_ticket_creator(ticketid '0'): '' means alive, nil means dead."""
        return self._session_call(session, "get_ticket_creator", ticketid="0") is not None

    def modules(self) -> tuple[str, ...]:
        """get_modules: the portal tabs, in the admin's order (first = landing page)."""
        return tuple(php_str(name) for name in tables.top_items(self._call("get_modules")))
