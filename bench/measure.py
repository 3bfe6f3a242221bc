"""One concurrency level: N customers walk the journey for a fixed time while the portal's and
the stub's CPU, the portal's memory and the stub's SOAP calls are read before and after."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from bench import procstat
from bench.journey import PAGES, Customer, Walk, walk_until
from bench.soapcount import COUNTS_PATH
from bench.stats import PageSummary, Sample, percentile, summarise_pages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Probes:
    """Where to read figures: the portal's gunicorn master, and the stub's (None if no stub)."""

    portal_pid: int
    stub_pid: int | None = None
    stub_url: str | None = None


@dataclass(frozen=True)
class LevelResult:
    """Everything measured at one concurrency level."""

    concurrency: int
    elapsed: float
    pages: list[PageSummary]
    journey_median: float
    soap_calls: dict[str, int] | None
    portal_cpu: float
    portal_memory: procstat.Memory
    stub_cpu: float | None

    @property
    def overall(self) -> PageSummary:
        """The summary over all pages."""
        return self.pages[-1]


class SoapCounts:
    """The stub's SOAP call counter, read over HTTP."""

    def __init__(self, stub_url: str):
        self.url = stub_url + COUNTS_PATH

    def reset(self) -> None:
        """Zero the counts."""
        requests.delete(self.url, timeout=10).raise_for_status()

    def read(self) -> dict[str, int]:
        """The counts since the last reset, by operation."""
        answer = requests.get(self.url, timeout=10)
        answer.raise_for_status()
        return answer.json()


def warm_up(customers: list[Customer], paths: list[tuple[str, str]]) -> None:
    """Walk the journey once per customer, all at once: caches and connections get filled."""
    def once(customer: Customer) -> list[Sample]:
        return [customer.fetch(page, path) for page, path in paths]

    with ThreadPoolExecutor(max_workers=len(customers)) as pool:
        list(pool.map(once, customers))


def _walk_all(customers: list[Customer], paths: list[tuple[str, str]],
              seconds: float) -> tuple[list[Walk], float]:
    """Every customer walks until the deadline; returns the walks and the elapsed time."""
    started = time.perf_counter()
    deadline = started + seconds
    with ThreadPoolExecutor(max_workers=len(customers)) as pool:
        walks = list(pool.map(lambda c: walk_until(c, paths, deadline), customers))
    return walks, time.perf_counter() - started


def run_level(customers: list[Customer], paths: list[tuple[str, str]], seconds: float,
              probes: Probes) -> LevelResult:
    """Measure one level with ``len(customers)`` concurrent customers for ``seconds``."""
    counts = SoapCounts(probes.stub_url) if probes.stub_url else None
    portal_pids = procstat.process_tree(probes.portal_pid)
    stub_pids = procstat.process_tree(probes.stub_pid) if probes.stub_pid else []
    if counts is not None:
        counts.reset()
    portal_before, stub_before = procstat.cpu_seconds(portal_pids), procstat.cpu_seconds(stub_pids)
    walks, elapsed = _walk_all(customers, paths, seconds)
    portal_cpu = procstat.cpu_seconds(portal_pids) - portal_before
    stub_cpu = procstat.cpu_seconds(stub_pids) - stub_before
    samples = [sample for walk in walks for sample in walk.samples]
    journeys = [seconds for walk in walks for seconds in walk.journeys]
    return LevelResult(
        concurrency=len(customers), elapsed=elapsed, pages=summarise_pages(samples, PAGES),
        journey_median=percentile(journeys, 0.5),
        soap_calls=counts.read() if counts is not None else None,
        portal_cpu=portal_cpu, portal_memory=procstat.memory(portal_pids),
        stub_cpu=stub_cpu if probes.stub_pid else None)
