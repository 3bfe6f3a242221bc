"""bench.stats: percentiles by interpolation, per-page summaries with error statuses."""

from __future__ import annotations

import math

import pytest

from bench.stats import Sample, percentile, summarise, summarise_pages


def test_percentile_interpolates_between_closest_ranks():
    values = [4.0, 1.0, 3.0, 2.0]  # sorted: 1 2 3 4
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 1.0) == 4.0
    assert percentile(values, 0.5) == pytest.approx(2.5)
    assert percentile(values, 0.95) == pytest.approx(3.85)


def test_percentile_of_one_value_is_that_value():
    assert percentile([0.042], 0.5) == 0.042
    assert percentile([0.042], 0.95) == 0.042


def test_percentile_of_nothing_is_nan_and_bad_fraction_is_refused():
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError, match="1.5"):
        percentile([1.0], 1.5)


def test_p95_of_a_hundred_values():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.95) == pytest.approx(95.05)
    assert percentile(values, 0.5) == pytest.approx(50.5)


def test_summary_counts_every_non_200_as_an_error_by_status():
    samples = [Sample("faq", 0.010, 200), Sample("faq", 0.020, 404), Sample("faq", 0.030, 500),
               Sample("faq", 0.040, 404), Sample("faq", 0.050, 0), Sample("faq", 0.060, 302)]
    row = summarise("faq", samples)
    assert row.page == "faq"
    assert row.count == 6
    assert row.errors == 5
    assert row.error_statuses == {0: 1, 302: 1, 404: 2, 500: 1}
    assert row.median == pytest.approx(0.035)
    assert row.p95 == pytest.approx(0.0575)


def test_pages_in_journey_order_then_overall():
    samples = [Sample("b", 0.2, 200), Sample("a", 0.1, 200), Sample("a", 0.3, 503)]
    rows = summarise_pages(samples, ["a", "b", "c"])
    assert [row.page for row in rows] == ["a", "b", "c", "all pages"]
    assert [row.count for row in rows] == [2, 1, 0, 3]
    assert [row.errors for row in rows] == [1, 0, 0, 1]
    assert rows[0].median == pytest.approx(0.2)
    assert math.isnan(rows[2].median)
    assert rows[3].median == pytest.approx(0.2)
    assert rows[3].error_statuses == {503: 1}
