"""Scale-out: the same closed-loop level against portals of 1, 2, 4 … workers, one after the other.

Each portal is started fresh (``portalclient serve --workers W --threads T``), its customers log
in again (a new portal has a new secret key, so old cookies are void), walk the journey once
unmeasured, then walk it for the level's time. Throughput should grow with workers until the
machine's cores or the CRM are the limit (issue 6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench.journey import Customer, journey_paths
from bench.measure import LevelResult, Probes, run_level, warm_up
from bench.provision import Login
from bench.servers import Server, start_portal


@dataclass(frozen=True)
class ScalePoint:
    """One portal size and what it served."""

    workers: int
    threads: int
    level: LevelResult

    @property
    def pages_per_second(self) -> float:
        return self.level.overall.count / self.level.elapsed if self.level.elapsed else math.nan


def measure_portal(server_path: str, work, workers: int, threads: int, logins: list[Login],
                   seconds: float, stub: Server | None) -> ScalePoint:
    """Start a portal of ``workers`` x ``threads``, run one level with every login, stop it."""
    portal = start_portal(server_path, work, workers, threads)
    try:
        customers = [Customer(portal.url, login) for login in logins]
        for customer in customers:
            customer.log_in()
        paths = journey_paths(customers[0].discover_ids())
        warm_up(customers, paths)
        probes = Probes(portal.pid, stub.pid if stub else None, stub.url if stub else None)
        return ScalePoint(workers, threads, run_level(customers, paths, seconds, probes))
    finally:
        portal.stop()


def format_scale_out(points: list[ScalePoint]) -> str:
    """A small table: workers, pages/s, its growth over one worker, p95, CPU and PSS."""
    if not points:
        return ""
    base = points[0].pages_per_second
    lines = [f"== scale-out: {points[0].level.concurrency} concurrent customers, "
             f"{points[0].threads} thread(s) per worker ==",
             f"  {'workers':>7}{'pages/s':>10}{'x 1st':>8}{'p95 ms':>9}{'errors':>8}"
             f"{'CPU ms/page':>13}{'PSS MB':>9}"]
    for point in points:
        level = point.level
        cpu = level.portal_cpu * 1000 / level.overall.count if level.overall.count else math.nan
        lines.append(f"  {point.workers:>7}{point.pages_per_second:>10.1f}"
                     f"{point.pages_per_second / base if base else math.nan:>8.2f}"
                     f"{level.overall.p95 * 1000:>9.1f}{level.overall.errors:>8}{cpu:>13.2f}"
                     f"{level.portal_memory.pss_kb / 1024:>9.1f}")
    return "\n".join(lines)


def scale_point_json(point: ScalePoint) -> dict:
    """The figures of one portal size as plain JSON values."""
    from bench.report import level_json

    return {"workers": point.workers, "threads": point.threads, **level_json(point.level)}
