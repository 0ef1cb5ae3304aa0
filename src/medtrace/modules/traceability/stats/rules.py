"""Duration buckets of trace queries: a quarter of a power of two each (1 ms, 1.19 ms, 1.41 ms,
1.68 ms, 2 ms ...), so a median read from the buckets is within about 9 % of the exact one, and
a day holds at most ``BUCKETS`` rows whatever the number of traces."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

STEPS_PER_DOUBLING = 4
BUCKETS = 96  # 2 ** (96 / 4) ms is about 4.6 hours: anything longer counts in the last bucket


def duration_bucket(seconds: float) -> int:
    """The bucket of a duration: 0 for anything up to 1 ms, then one per 2 ** (1/4)."""
    ms = seconds * 1000.0
    if not math.isfinite(ms) or ms <= 1.0:
        return 0
    return min(BUCKETS - 1, math.floor(STEPS_PER_DOUBLING * math.log2(ms)))


def bucket_ms(bucket: int) -> Decimal:
    """The duration a bucket stands for: the geometric middle of its bounds, to 0.1 ms."""
    if bucket <= 0:
        return Decimal("1.0")
    middle = 2 ** ((bucket + 0.5) / STEPS_PER_DOUBLING)
    return Decimal(str(round(middle, 1)))


def median_ms(counts: Iterable[tuple[int, int]]) -> Decimal | None:
    """The median duration of ``(bucket, how many)`` pairs (None when there are none): the
    bucket holding the middle query (the lower middle one for an even number)."""
    ordered = sorted((bucket, n) for bucket, n in counts if n > 0)
    total = sum(n for _, n in ordered)
    if total == 0:
        return None
    middle = (total + 1) // 2
    seen = 0
    for bucket, n in ordered:
        seen += n
        if seen >= middle:
            return bucket_ms(bucket)
    return bucket_ms(ordered[-1][0])  # not reached
