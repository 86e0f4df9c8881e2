"""What the benchmarks measure of a process: resident memory, and latency percentiles."""

from __future__ import annotations

import mmap

import numpy as np

from bot.measure import percentile


def rss_mb(kind: str = "VmRSS", pid: int | str = "self") -> float:
    """Resident memory of a process (this one by default), MB: all of it (VmRSS), or only
    the part that is private (RssAnon) or mapped files (RssFile: an index's pages)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{kind}:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):  # the process has gone
        pass
    return 0.0


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """p50 and p95, in milliseconds."""
    return percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000


def is_memory_mapped(array: np.ndarray) -> bool:
    """Whether the array is a view of a memory map (not a copy in memory)."""
    base: object = array
    while isinstance(base, np.ndarray):
        base = base.base
    return isinstance(base, memoryview) and isinstance(base.obj, mmap.mmap)
