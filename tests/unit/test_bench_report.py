"""bench.report and bench.run: SOAP calls per page, JSON without NaN, the level list option."""

from __future__ import annotations

import argparse
import math

import pytest

from bench.measure import LevelResult
from bench.procstat import Memory
from bench.report import format_level, level_json, pages_per_second, soap_calls_per_page
from bench.run import concurrency_levels
from bench.stats import PageSummary


def _level(soap_calls: dict[str, int] | None, stub_cpu: float | None) -> LevelResult:
    pages = [PageSummary("ticket list", 10, 0, 0.004, 0.009),
             PageSummary("FAQ list", 0, 0, math.nan, math.nan),
             PageSummary("all pages", 20, 2, 0.005, 0.010, {404: 2})]
    return LevelResult(concurrency=4, elapsed=2.0, pages=pages, journey_median=0.05,
                       soap_calls=soap_calls, portal_cpu=0.06,
                       portal_memory=Memory(rss_kb=204800, pss_kb=102400, processes=3),
                       stub_cpu=stub_cpu)


def test_soap_calls_per_page_most_frequent_first():
    level = _level({"get_tickets_list": 5, "authenticate_user": 1, "get_faq": 5}, 0.011)
    per_page = soap_calls_per_page(level)
    assert list(per_page) == ["get_faq", "get_tickets_list", "authenticate_user"]
    assert per_page["get_faq"] == pytest.approx(0.25)
    assert per_page["authenticate_user"] == pytest.approx(0.05)
    assert pages_per_second(level) == pytest.approx(10.0)


def test_json_figures_and_no_nan():
    data = level_json(_level({"get_faq": 11}, 0.011))
    assert data["pages_per_s"] == pytest.approx(10.0)
    assert data["portal_cpu_ms_per_page"] == pytest.approx(3.0)
    assert data["stub_cpu_ms_per_call"] == pytest.approx(1.0)
    assert data["portal_memory_kb"] == {"rss_kb": 204800, "pss_kb": 102400, "processes": 3}
    assert data["pages"][1]["median"] is None
    assert data["pages"][2]["error_statuses"] == {404: 2}


def test_text_block_without_a_counting_stub():
    text = format_level(_level(None, None), "portal 2 worker(s) x 8 thread(s), other CRM")
    assert "== 4 concurrent customer(s), portal 2 worker(s) x 8 thread(s), other CRM" in text
    assert "pages/s 10.0   errors 2   journey median 50.0 ms" in text
    assert "SOAP calls: not counted" in text
    assert "portal CPU: 3.00 ms per page" in text
    assert "PSS 100.0 MB over 3 processes" in text
    assert "stub CPU" not in text
    assert "404x2" in text


def test_concurrency_levels_option():
    assert concurrency_levels("1,4,16") == [1, 4, 16]
    assert concurrency_levels("8") == [8]
    for bad in ("", "0,4", "a,b"):
        with pytest.raises(argparse.ArgumentTypeError):
            concurrency_levels(bad)
