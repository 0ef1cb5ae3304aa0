"""Trace query durations are counted in buckets a quarter of a power of two wide, and the
median read from them is within about 9 % of the exact median."""

from __future__ import annotations

import random
import statistics
from decimal import Decimal

from medtrace.modules.traceability.stats.rules import (
    BUCKETS,
    bucket_ms,
    duration_bucket,
    median_ms,
)


def test_short_long_and_odd_durations_fall_in_the_end_buckets():
    assert duration_bucket(0) == 0
    assert duration_bucket(0.0005) == 0
    assert duration_bucket(-1) == 0
    assert duration_bucket(float("nan")) == 0
    assert duration_bucket(float("inf")) == 0
    assert duration_bucket(10**9) == BUCKETS - 1
    assert duration_bucket(0.002) == 4  # 2 ms: one doubling above 1 ms


def test_the_median_of_no_query_is_none_and_of_one_is_its_bucket():
    assert median_ms([]) is None
    assert median_ms([(7, 0)]) is None
    assert median_ms([(duration_bucket(0.050), 1)]) == bucket_ms(duration_bucket(0.050))


def test_the_bucketed_median_is_within_nine_percent_of_the_exact_one():
    rng = random.Random(20261205)
    for _ in range(50):
        seconds = [rng.lognormvariate(-3.5, 1.2) for _ in range(rng.randint(1, 400))]
        counts: dict[int, int] = {}
        for value in seconds:
            counts[duration_bucket(value)] = counts.get(duration_bucket(value), 0) + 1
        exact = Decimal(str(statistics.median_low(seconds) * 1000))
        found = median_ms(counts.items())
        assert found is not None
        if exact > 1:
            assert abs(found - exact) / exact < Decimal("0.095"), (found, exact)
