"""The benchmark's output: a readable table per concurrency level, and the same figures as JSON."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from bench.journey import PAGES
from bench.measure import LevelResult

#: The classic PHP portal on berliCRM (issue 6), for side-by-side reading.
PHP_BASELINE = {
    "soap_calls_per_journey": 21,
    "one_customer": {"journey_s": 0.45, "median_ms": 40, "p95_ms": 104},
    "sixteen_customers": {"pages_per_s": 50, "median_ms": 296, "p95_ms": 670},
    "portal_cpu_ms_per_page": 3.2,
    "sixteen_workers_pss_mb": 53,
}


def _ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


def _per(amount: float, count: int) -> float:
    return amount / count if count else math.nan


def pages_per_second(level: LevelResult) -> float:
    """Pages answered (errors included) per second of wall time."""
    return level.overall.count / level.elapsed if level.elapsed else math.nan


def soap_calls_per_page(level: LevelResult) -> dict[str, float] | None:
    """SOAP calls per page by operation (most frequent first), None without a counting stub."""
    if level.soap_calls is None:
        return None
    pages = level.overall.count
    ordered = sorted(level.soap_calls.items(), key=lambda item: (-item[1], item[0]))
    return {operation: _per(calls, pages) for operation, calls in ordered}


def _statuses(statuses: dict[int, int]) -> str:
    """'404x12 500x3' (0 = no HTTP answer)."""
    return " ".join(f"{status}x{count}" for status, count in statuses.items())


def _page_table(level: LevelResult) -> list[str]:
    lines = [f"  {'page':<16}{'count':>7}{'errors':>8}{'median ms':>11}{'p95 ms':>9}"
             "  error statuses"]
    for row in level.pages:
        lines.append(f"  {row.page:<16}{row.count:>7}{row.errors:>8}{_ms(row.median):>11}"
                     f"{_ms(row.p95):>9}  {_statuses(row.error_statuses)}".rstrip())
    return lines


def _soap_lines(level: LevelResult) -> list[str]:
    per_page = soap_calls_per_page(level)
    if per_page is None:
        return ["  SOAP calls: not counted (not the bench's stub CRM)"]
    total = sum(per_page.values())
    lines = [f"  SOAP calls per page: {total:.2f}  (per journey of {len(PAGES)} pages: "
             f"{total * len(PAGES):.1f})"]
    lines += [f"    {operation:<32}{calls:>7.3f}" for operation, calls in per_page.items()]
    return lines


def _resource_lines(level: LevelResult) -> list[str]:
    pages, memory = level.overall.count, level.portal_memory
    lines = [f"  portal CPU: {_per(level.portal_cpu * 1000, pages):.2f} ms per page",
             f"  portal memory: RSS {memory.rss_kb / 1024:.1f} MB, PSS {memory.pss_kb / 1024:.1f}"
             f" MB over {memory.processes} processes"]
    if level.stub_cpu is not None and level.soap_calls is not None:
        calls = sum(level.soap_calls.values())
        lines.append(f"  stub CPU: {_per(level.stub_cpu * 1000, calls):.2f} ms per SOAP call "
                     f"({calls} calls)")
    return lines


def format_level(level: LevelResult, setup: str) -> str:
    """The text block printed for one concurrency level."""
    head = (f"== {level.concurrency} concurrent customer(s), {setup}, {level.elapsed:.1f} s ==\n"
            f"  pages/s {pages_per_second(level):.1f}   errors {level.overall.errors}"
            f"   journey median {_ms(level.journey_median)} ms")
    body = _page_table(level) + _soap_lines(level) + _resource_lines(level)
    return "\n".join([head, *body])


def baseline_text() -> str:
    """One paragraph with the PHP portal's figures, for comparison."""
    php = PHP_BASELINE
    return (f"PHP portal baseline (issue 6, berliCRM, 2 cores): "
            f"{php['soap_calls_per_journey']} SOAP calls per journey; 1 customer "
            f"{php['one_customer']['journey_s']} s per journey, median "
            f"{php['one_customer']['median_ms']} ms, p95 {php['one_customer']['p95_ms']} ms; "
            f"16 customers {php['sixteen_customers']['pages_per_s']} pages/s, median "
            f"{php['sixteen_customers']['median_ms']} ms, p95 "
            f"{php['sixteen_customers']['p95_ms']} ms; portal CPU "
            f"{php['portal_cpu_ms_per_page']} ms per page; 16 workers "
            f"{php['sixteen_workers_pss_mb']} MB PSS.")


def level_json(level: LevelResult) -> dict[str, Any]:
    """The level's figures as plain JSON values (NaN becomes null)."""
    pages = level.overall.count
    calls = sum(level.soap_calls.values()) if level.soap_calls is not None else None
    data = {
        "concurrency": level.concurrency,
        "elapsed_s": level.elapsed,
        "pages_per_s": pages_per_second(level),
        "journey_median_s": level.journey_median,
        "pages": [dataclasses.asdict(row) for row in level.pages],
        "soap_calls": level.soap_calls,
        "soap_calls_per_page": soap_calls_per_page(level),
        "portal_cpu_ms_per_page": _per(level.portal_cpu * 1000, pages),
        "portal_memory_kb": dataclasses.asdict(level.portal_memory),
        "stub_cpu_ms_per_call": (_per(level.stub_cpu * 1000, calls)
                                 if level.stub_cpu is not None and calls is not None else None),
    }
    return _no_nan(data)


def _no_nan(value: Any) -> Any:
    """``value`` with every NaN float replaced by None (JSON has no NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _no_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_no_nan(item) for item in value]
    return value
