"""bench.procstat: /proc/<pid>/stat and smaps_rollup parsing, and reading this very process."""

from __future__ import annotations

import os

import pytest

from bench.procstat import cpu_seconds, memory, parse_smaps_rollup, parse_stat, process_tree

SMAPS_ROLLUP = """\
55d0c0a00000-7ffd2b5fe000 ---p 00000000 00:00 0                          [rollup]
Rss:               52340 kB
Pss:               21012 kB
Pss_Anon:          15000 kB
Pss_File:           6012 kB
Pss_Shmem:             0 kB
Shared_Clean:      30000 kB
Private_Dirty:     15000 kB
Swap:                  0 kB
SwapPss:               0 kB
"""


def test_stat_line_with_spaces_and_parentheses_in_the_name():
    text = ("4242 (gunicorn: worker (a) b) S 4200 4200 4200 0 -1 4194368 9000 0 0 0 "
            "1234 567 0 0 20 0 9 0 100 200000000 12000 18446744073709551615\n")
    stat = parse_stat(text)
    assert (stat.pid, stat.ppid, stat.utime, stat.stime) == (4242, 4200, 1234, 567)


def test_smaps_rollup_rss_and_pss_only():
    assert parse_smaps_rollup(SMAPS_ROLLUP) == (52340, 21012)


def test_smaps_rollup_without_pss_is_refused():
    with pytest.raises(ValueError, match="Pss"):
        parse_smaps_rollup("Rss: 10 kB\n")


def test_this_process_is_the_root_of_its_tree_and_uses_cpu_and_memory():
    me = os.getpid()
    tree = process_tree(me)
    assert me in tree
    assert all(pid >= 1 for pid in tree)
    assert cpu_seconds([me]) > 0
    used = memory([me])
    assert used.processes == 1
    assert 0 < used.pss_kb <= used.rss_kb


def test_ended_processes_are_skipped():
    gone = 2 ** 22 + 7  # above Linux's pid_max limit: never a living process
    assert cpu_seconds([gone]) == 0
    assert memory([gone]).processes == 0
    assert process_tree(gone) == [gone]
