"""Knowledge-base operations of the CRM client: published FAQs and comments on them."""

from __future__ import annotations

from . import tables
from .base import CrmBase
from .models import CrmSession, KnowledgeBase


class FaqOperations(CrmBase):
    """The Faq module: categories, products and published FAQs with their comments."""

    def knowledge_base(self, session: CrmSession) -> KnowledgeBase:
        """FAQ categories, products and published FAQs with their comments."""
        result = self._session_call(session, "get_KBase_details")
        return tables.knowledge_base(self._data(result, "get_KBase_details"))

    def add_faq_comment(self, session: CrmSession, faq_id: str, text: str) -> KnowledgeBase:
        """Comment on a FAQ; the CRM answers with the knowledge base ({'item': …} groups)."""
        result = self._session_call(session, "save_faq_comment", faqid=faq_id, comment=text)
        return tables.knowledge_base(self._data(result, "save_faq_comment"))
