"""What the benchmarks share: the open-file limit raised for thousands of sockets, percentiles."""

from __future__ import annotations

import resource
from collections.abc import Sequence


def raise_nofile() -> None:
    """Raise this process's open-file limit to its hard limit (thousands of sockets)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` (nan when there are none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
