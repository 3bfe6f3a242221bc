"""Latency statistics: percentiles and per-page summaries of the timed requests."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Sample:
    """One timed page request: which page, how long, what status (0 = no HTTP answer)."""

    page: str
    seconds: float
    status: int

    @property
    def ok(self) -> bool:
        """Only a 200 counts as a served page; redirects, 404s and failures are errors."""
        return self.status == 200


@dataclass(frozen=True)
class PageSummary:
    """Count, errors, median and p95 latency (seconds) of one page or of all pages."""

    page: str
    count: int
    errors: int
    median: float
    p95: float
    #: How many errors had each status (0 = no HTTP answer).
    error_statuses: dict[int, int] = field(default_factory=dict)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` (0..1) percentile by linear interpolation between closest ranks."""
    if not values:
        return math.nan
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction {fraction} is not between 0 and 1")
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(page: str, samples: Iterable[Sample]) -> PageSummary:
    """Median and p95 over every sample of ``page``, errors included (a slow 500 is slow too)."""
    chosen = list(samples)
    seconds = [sample.seconds for sample in chosen]
    statuses = Counter(sample.status for sample in chosen if not sample.ok)
    return PageSummary(page, len(chosen), sum(statuses.values()), percentile(seconds, 0.5),
                       percentile(seconds, 0.95), dict(sorted(statuses.items())))


def summarise_pages(samples: Sequence[Sample], pages: Sequence[str]) -> list[PageSummary]:
    """One summary per page in journey order, then the overall one named 'all pages'."""
    rows = [summarise(page, (s for s in samples if s.page == page)) for page in pages]
    rows.append(summarise("all pages", samples))
    return rows
