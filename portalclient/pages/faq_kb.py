"""Browsing the knowledge base locally: categories, products, recent articles and search.

The CRM sends the whole published knowledge base at once (PROTOCOL 4.7) and cannot filter it,
so every view here is a pure function over the cached ``KnowledgeBase``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from portalclient.crm.models import Faq, KnowledgeBase
from portalclient.pages.common import matches
from portalclient.pages.richtext import plain_text

RECENT_COUNT = 3
_OLDEST = dt.datetime.min


@dataclass(frozen=True)
class Topic:
    """A category or product to browse by, with how many articles it has."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Filters:
    """What the customer narrowed the list to (empty strings: no such filter)."""

    category: str = ""
    product: str = ""
    query: str = ""

    @property
    def active(self) -> bool:
        return bool(self.category or self.product or self.query)


def find(kb: KnowledgeBase, faq_id: str) -> Faq | None:
    """The published FAQ with id ``faq_id``, or None."""
    return next((faq for faq in kb.faqs if faq.id == faq_id), None)


def product_names(kb: KnowledgeBase) -> dict[str, str]:
    """Product id -> name, as the knowledge base lists them."""
    return dict(kb.products)


def categories(kb: KnowledgeBase) -> list[Topic]:
    """Categories that have articles: the CRM's picklist order, then any others by name."""
    counts = Counter(faq.category for faq in kb.faqs if faq.category)
    names = [name for name in kb.categories if name in counts]
    names += sorted((name for name in counts if name not in names), key=str.casefold)
    return [Topic(name, name, counts[name]) for name in names]


def products(kb: KnowledgeBase) -> list[Topic]:
    """Products that have articles, by name (FAQs on unknown products are left out)."""
    counts = Counter(faq.product_id for faq in kb.faqs if faq.product_id)
    topics = [Topic(pid, name, counts[pid]) for pid, name in kb.products if counts[pid]]
    return sorted(topics, key=lambda topic: topic.label.casefold())


def recent(kb: KnowledgeBase, count: int = RECENT_COUNT) -> list[Faq]:
    """The most recently changed articles, newest first."""
    return sorted(kb.faqs, key=_changed, reverse=True)[:count]


def _changed(faq: Faq) -> dt.datetime:
    return faq.modified or faq.created or _OLDEST


def searchable_texts(faq: Faq) -> tuple[str, str]:
    """What a search looks at: the question and the answer's words (never its markup)."""
    return faq.question, plain_text(faq.answer_html) if faq.answer_html else faq.answer


def selected(kb: KnowledgeBase, filters: Filters) -> list[Faq]:
    """The articles matching every active filter, ordered by question."""
    found = [faq for faq in kb.faqs
             if (not filters.category or faq.category == filters.category)
             and (not filters.product or faq.product_id == filters.product)
             and (not filters.query or matches(filters.query, searchable_texts(faq)))]
    return sorted(found, key=lambda faq: faq.question.casefold())
