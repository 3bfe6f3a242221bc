"""CPU time and memory of a process tree, read from /proc (Linux; no psutil needed).

CPU is user+system time from ``/proc/<pid>/stat``; memory is RSS and PSS from
``/proc/<pid>/smaps_rollup``. PSS shares each shared page among the processes mapping it, so
the PSS of gunicorn's master and forked workers adds up to what the deployment really costs.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PROC = Path("/proc")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class StatLine:
    """The fields of ``/proc/<pid>/stat`` the benchmark needs (times in clock ticks)."""

    pid: int
    ppid: int
    utime: int
    stime: int


@dataclass(frozen=True)
class Memory:
    """Resident and proportional set size in kB, summed over processes."""

    rss_kb: int
    pss_kb: int
    processes: int


def parse_stat(text: str) -> StatLine:
    """Parse ``/proc/<pid>/stat``; the command name may hold spaces and parentheses."""
    pid_part, _, rest = text.partition(" (")
    fields = rest[rest.rindex(")") + 2:].split()
    # fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return StatLine(int(pid_part), int(fields[1]), int(fields[11]), int(fields[12]))


def parse_smaps_rollup(text: str) -> tuple[int, int]:
    """(Rss, Pss) in kB from the text of ``/proc/<pid>/smaps_rollup``."""
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0])
    if set(values) != {"Rss", "Pss"}:
        raise ValueError("smaps_rollup without Rss and Pss lines")
    return values["Rss"], values["Pss"]


def _read_stat(pid: int) -> StatLine | None:
    try:
        return parse_stat((PROC / str(pid) / "stat").read_text())
    except (FileNotFoundError, ProcessLookupError):
        return None  # the process ended meanwhile


def process_tree(root: int) -> list[int]:
    """``root`` and all its living descendants (gunicorn's master and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _read_stat(int(entry.name))
            if stat is not None:
                children.setdefault(stat.ppid, []).append(stat.pid)
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, ()))
    return sorted(tree)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by the living processes ``pids``."""
    ticks = 0
    for pid in pids:
        stat = _read_stat(pid)
        if stat is not None:
            ticks += stat.utime + stat.stime
    return ticks / _CLOCK_TICKS


def memory(pids: list[int]) -> Memory:
    """RSS and PSS summed over the living processes ``pids``."""
    rss = pss = count = 0
    for pid in pids:
        try:
            one_rss, one_pss = parse_smaps_rollup((PROC / str(pid) / "smaps_rollup").read_text())
        except (FileNotFoundError, ProcessLookupError):
            continue
        rss, pss, count = rss + one_rss, pss + one_pss, count + 1
    return Memory(rss, pss, count)
