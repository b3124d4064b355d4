"""The benchmarks' readings of a process from /proc: peak memory and CPU time."""

from __future__ import annotations

import os
import time

from bench.process import cpu_seconds, peak_rss_mib


def test_peak_memory_is_at_least_what_the_process_holds_now() -> None:
    held = bytearray(64 * 1024 * 1024)  # 64 MiB, touched so it is resident
    held[::4096] = b"x" * len(held[::4096])
    assert peak_rss_mib(os.getpid()) >= 64


def test_cpu_time_grows_with_work_done_and_not_with_time_asleep() -> None:
    pid = os.getpid()
    before = cpu_seconds(pid)
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    busy = cpu_seconds(pid) - before
    time.sleep(0.3)
    asleep = cpu_seconds(pid) - before - busy
    assert busy >= 0.2
    assert asleep < 0.1
