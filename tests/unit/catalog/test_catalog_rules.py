from decimal import Decimal

import pytest

from medtrace.modules.catalog import rules


def _check(body: str) -> str:
    """Independent GS1 mod-10: weights 3,1,3... from the right."""
    digits = [int(c) for c in body]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return body + str((10 - total % 10) % 10)


@pytest.mark.parametrize("body", ["0950600013435", "123456789012", "9638507", "1234567890123"])
def test_valid_gtins_of_every_length_normalize_to_14_digits(body):
    gtin = _check(body)
    assert rules.normalize_gtin(gtin) == gtin.zfill(14)


@pytest.mark.parametrize("value", ["09506000134353", "1234567", "abcdefghijklmn", "",
                                   "095060001343521", "０９５０６０００１３４３５２"])
def test_invalid_gtins_are_refused(value):
    assert rules.normalize_gtin(value) is None


def test_conversions_are_exact():
    assert rules.to_base(Decimal("3"), Decimal("10")) == Decimal("30")
    assert rules.from_base(Decimal("1"), Decimal("3")) * 3 != Decimal("1.0000001")
    assert rules.to_base(Decimal("0.1"), Decimal("0.2")) == Decimal("0.02")
