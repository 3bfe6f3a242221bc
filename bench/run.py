"""Benchmark the portal: ``python bench/run.py [--workers 2 --threads 8] [--concurrency 1,4,16]
[--seconds 20] [--scale-workers 1,2,4] [--server-path URL --logins FILE] [--json FILE]``.
See bench/README.md."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import report  # noqa: E402
from bench.journey import Customer, LoginFailed, journey_paths  # noqa: E402
from bench.measure import LevelResult, Probes, run_level, warm_up  # noqa: E402
from bench.provision import Login, provision_stub, read_logins  # noqa: E402
from bench.scaleout import (ScalePoint, format_scale_out, measure_portal,  # noqa: E402
                            scale_point_json)
from bench.servers import Server, ServerFailed, start_portal, start_stub  # noqa: E402

log = logging.getLogger("bench.run")


def concurrency_levels(text: str) -> list[int]:
    """'1,4,16' -> [1, 4, 16]; every level must be a positive whole number."""
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list like 1,4,16") from None
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("concurrency levels must be 1 or more")
    return levels


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__)
    parser.add_argument("--workers", type=int, default=2, help="portal gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per portal worker")
    parser.add_argument("--concurrency", type=concurrency_levels, default=[1, 4, 16],
                        help="concurrent customers per level, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each level")
    parser.add_argument("--server-path", help="a CRM's Server_Path instead of the stub CRM")
    parser.add_argument("--logins", type=Path,
                        help="with --server-path: file of 'e-mail password' lines, one per "
                             "virtual customer")
    parser.add_argument("--stub-threads", type=int, default=16, help="threads of the stub CRM")
    parser.add_argument("--work", type=Path, help="folder for data, config and server logs "
                                                   "(default: a new temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--scale-workers", type=worker_counts, default=[1, 2, 4],
                        help="after the levels: portal sizes (workers, each with --threads "
                             "threads) run at the highest level, e.g. 1,2,4; 0 skips it")
    parser.add_argument("--scale-seconds", type=float,
                        help="duration of each scale-out run (default: --seconds)")
    return parser


def worker_counts(text: str) -> list[int]:
    """'1,2,4' -> [1, 2, 4]; '0' (or '') -> no scale-out runs."""
    if text.strip() in ("", "0"):
        return []
    return concurrency_levels(text)


def _log_in_all(customers: list[Customer]) -> None:
    """Every virtual customer logs in once (in parallel: each CRM login hashes a password)."""
    with ThreadPoolExecutor(max_workers=min(8, len(customers))) as pool:
        list(pool.map(Customer.log_in, customers))


def _setup_text(args: argparse.Namespace, crm: str) -> str:
    return f"portal {args.workers} worker(s) x {args.threads} thread(s), {crm}"


def _measure(args: argparse.Namespace, logins: list[Login], portal: Server,
             stub: Server | None) -> list[LevelResult]:
    """Log in, find ids, warm up, then run and print every concurrency level."""
    customers = [Customer(portal.url, login) for login in logins[:max(args.concurrency)]]
    _log_in_all(customers)
    paths = journey_paths(customers[0].discover_ids())
    warm_up(customers, paths)
    probes = Probes(portal.pid, stub.pid if stub else None, stub.url if stub else None)
    setup = _setup_text(args, "stub CRM" if stub else args.server_path)
    results = []
    for level in args.concurrency:
        result = run_level(customers[:level], paths, args.seconds, probes)
        print(report.format_level(result, setup), flush=True)
        results.append(result)
    return results


def _logins_and_crm(args: argparse.Namespace, work: Path) -> tuple[list[Login], Server | None]:
    """The customers' logins and the CRM to use: the given one, or a freshly provisioned stub."""
    needed = max(args.concurrency)
    if args.server_path:
        logins = read_logins(args.logins)
        if len(logins) < needed:
            raise SystemExit(f"{args.logins} has {len(logins)} logins; {needed} are needed "
                             "(the CRM allows one session per contact)")
        return logins, None
    data_dir = Path(tempfile.mkdtemp(prefix="crm-", dir=work))  # always a fresh stub store
    logins = provision_stub(data_dir, needed)
    return logins, start_stub(data_dir, work, args.stub_threads)


def _write_json(path: Path, args: argparse.Namespace, results: list[LevelResult],
                scale: list[ScalePoint]) -> None:
    data = {"workers": args.workers, "threads": args.threads, "seconds": args.seconds,
            "crm": args.server_path or "stub", "php_baseline": report.PHP_BASELINE,
            "levels": [report.level_json(result) for result in results],
            "scale_out": [scale_point_json(point) for point in scale]}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the whole benchmark; returns the exit status."""
    args = _parser().parse_args(argv)
    if bool(args.server_path) != bool(args.logins):
        raise SystemExit("--server-path and --logins go together")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    work = args.work or Path(tempfile.mkdtemp(prefix="portalclient-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    log.info("work folder (config, data, server logs): %s", work)
    try:
        results, scale = _run(args, work)
    except (LoginFailed, ServerFailed) as exc:
        print(f"bench: {exc} (server logs in {work})", file=sys.stderr)
        return 1
    print(report.baseline_text())
    if args.json:
        _write_json(args.json, args, results, scale)
    return 0


def _run(args: argparse.Namespace, work: Path) -> tuple[list[LevelResult], list[ScalePoint]]:
    """Start the servers, measure, and always stop what was started."""
    logins, stub = _logins_and_crm(args, work)
    server_path = args.server_path or stub.url
    try:
        portal = start_portal(server_path, work, args.workers, args.threads)
        try:
            results = _measure(args, logins, portal, stub)
        finally:
            portal.stop()
        scale = _scale_out(args, server_path, work, logins, stub)
    finally:
        if stub is not None:
            stub.stop()
    return results, scale


def _scale_out(args: argparse.Namespace, server_path: str, work: Path, logins: list[Login],
               stub: Server | None) -> list[ScalePoint]:
    """The highest level again on portals of each ``--scale-workers`` size; printed at the end."""
    seconds = args.scale_seconds or args.seconds
    needed = logins[:max(args.concurrency)]
    points = [measure_portal(server_path, work, workers, args.threads, needed, seconds, stub)
              for workers in args.scale_workers]
    if points:
        print(format_scale_out(points), flush=True)
    return points


if __name__ == "__main__":
    sys.exit(main())
