"""Record operations of the CRM client: details, module lists, product blocks, files and PDFs."""

from __future__ import annotations

import logging
from typing import Any

from . import tables
from .base import CrmBase, flag
from .errors import CrmHttpError, MalformedResponse
from .markup import php_str
from .models import CrmSession, Field, FileContent, PdfUnavailable, RecordDetail, RecordTable
from .transport import ResponseTooLarge

log = logging.getLogger(__name__)

#: The server's fixed block order after the related block; a block is absent when its tab is.
_SOURCES = (("Quotes", "quotes"), ("Invoice", "invoices"))


class RecordOperations(CrmBase):
    """Every module's records as the contact may see them (Quotes, Invoice, Documents, …)."""

    def _record_call(self, operation: str, record_id: str, module: str,
                     session: CrmSession) -> Any:
        """The common positional call shape: record id, module, contact id, session id."""
        return self._call(operation, record_id, module, session.contact_id, session.session_id)

    def _list_call(self, operation: str, module: str, session: CrmSession,
                   only_mine: bool) -> Any:
        """The list call shape: contact id, module, session id, only-mine flag."""
        return self._call(operation, session.contact_id, module, session.session_id,
                          flag(only_mine))

    def _table(self, session: CrmSession, result: Any, operation: str, module: str, *,
               probe: bool = True) -> RecordTable:
        """One module table, empty when nil turns out to mean 'no rows'."""
        result = self._maybe_empty(session, result, operation, probe=probe)
        return tables.module_table(result, module) if result is not None else RecordTable(
            module, (), ())

    def record(self, session: CrmSession, module: str, record_id: str) -> RecordDetail:
        """get_details: one record of ``module`` (not Invoice: see ``invoice``)."""
        result = self._record_call("get_details", record_id, module, session)
        return tables.record_detail(self._data(result, "get_details"), module, record_id)

    def invoice(self, session: CrmSession, record_id: str) -> RecordDetail:
        """get_invoice_detail: one invoice's fields."""
        result = self._record_call("get_invoice_detail", record_id, "Invoice", session)
        return tables.record_detail(self._data(result, "get_invoice_detail"), "Invoice",
                                    record_id)

    def records(self, session: CrmSession, module: str, *, only_mine: bool) -> RecordTable:
        """get_list_values: Quotes, Invoice, Documents, Contacts, Assets or Project rows."""
        result = self._list_call("get_list_values", module, session, only_mine)
        return self._table(session, result, "get_list_values", module)

    def product_tables(self, session: CrmSession, *,
                       only_mine: bool) -> tuple[RecordTable, ...]:
        """Products: related to the contact, on its quotes, on its invoices (as enabled)."""
        return self._blocks(session, "get_product_list_values", "Products", only_mine)

    def service_tables(self, session: CrmSession, *,
                       only_mine: bool) -> tuple[RecordTable, ...]:
        """Services: related to the contact, on its quotes, on its invoices (as enabled)."""
        return self._blocks(session, "get_service_list_values", "Services", only_mine)

    def _blocks(self, session: CrmSession, operation: str, module: str,
                only_mine: bool) -> tuple[RecordTable, ...]:
        """Split a product/service answer into blocks named by the source each came from."""
        result = self._list_call(operation, module, session, only_mine)
        blocks = tables.block_tables(self._data(result, operation), module)
        active = self.modules()
        sources = ["related"] + [source for module, source in _SOURCES if module in active]
        if len(sources) != len(blocks):
            log.warning("%s: %d blocks for sources %s", operation, len(blocks), sources)
            sources = ["related", "quotes", "invoices"][:len(blocks)]
        return tuple(tables.with_source(b, s) for b, s in zip(blocks, sources))

    def documents_of(self, session: CrmSession, record_id: str, *,
                     probe: bool = True) -> RecordTable:
        """get_documents: the documents related to any record (e.g. a FAQ)."""
        result = self._record_call("get_documents", record_id, "Documents", session)
        return self._table(session, result, "get_documents", "Documents", probe=probe)

    def document_file(self, session: CrmSession, module: str, record_id: str) -> FileContent:
        """get_filecontent_detail: a document's file (or a record's first attachment)."""
        operation = "get_filecontent_detail"
        result = self._call(operation, record_id, "", module, session.contact_id,
                            session.session_id)
        items = tables.top_items(self._data(result, operation))
        detail = items[0] if items and isinstance(items[0], dict) else {}
        return tables.file_content(detail, operation)

    def pdf(self, session: CrmSession, module: str, record_id: str) -> bytes:
        """get_pdf: the quote/invoice PDF; PdfUnavailable when the CRM cannot render it."""
        try:
            result = self._record_call("get_pdf", record_id, module, session)
        except ResponseTooLarge:
            raise
        except (CrmHttpError, MalformedResponse) as exc:  # PHP fatal in the CRM's PDF code
            if isinstance(exc, CrmHttpError) and exc.status != 500:
                raise
            raise PdfUnavailable("the CRM failed rendering the PDF", operation="get_pdf") from exc
        items = tables.top_items(self._data(result, "get_pdf"))
        if not items or not items[0]:
            raise PdfUnavailable(operation="get_pdf")
        return tables.strict_base64(items[0], "get_pdf")

    def project_components(self, session: CrmSession, project_id: str, module: str, *,
                           probe: bool = True) -> RecordTable:
        """get_project_components: a project's ProjectTask or ProjectMilestone rows."""
        result = self._record_call("get_project_components", project_id, module, session)
        return self._table(session, result, "get_project_components", module, probe=probe)

    def project_tickets(self, session: CrmSession, project_id: str, *,
                        probe: bool = True) -> RecordTable:
        """get_project_tickets: the tickets related to a project."""
        result = self._record_call("get_project_tickets", project_id, "HelpDesk", session)
        return self._table(session, result, "get_project_tickets", "HelpDesk", probe=probe)

    def count_download(self, document_id: str) -> None:
        """updateCount: add one to a document's download counter (external links)."""
        self._call("updateCount", document_id)

    def custom_field_details(self, session: CrmSession, record_id: str) -> tuple[Field, ...]:
        """get_cf_field_details: declared but unimplemented on every known server (SoapFault)."""
        result = self._call("get_cf_field_details", record_id, session.contact_id,
                            session.session_id)
        return tables.record_detail(self._data(result, "get_cf_field_details"), "", record_id
                                    ).fields()

    def product_urls(self, session: CrmSession, product_id: str) -> tuple[str, ...]:
        """get_product_urllist: declared but unimplemented on every known server (SoapFault)."""
        result = self._data(self._call("get_product_urllist", session.contact_id, product_id,
                                       "Products"), "get_product_urllist")
        return tuple(php_str(url) for url in tables.top_items(result))
