"""What a benchmarked child process has used, read from Linux's /proc: its peak memory and its CPU time."""

from __future__ import annotations

import os
from pathlib import Path


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process has had at any point of its life."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: peak memory can only be read on Linux")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time so far, from /proc/<pid>/stat (fields 14 and 15, after the parenthesised name)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
