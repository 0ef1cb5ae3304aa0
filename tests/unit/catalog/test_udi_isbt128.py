"""ICCBBA ISBT 128 device UDIs: concatenated linear symbols and compound messages."""

from datetime import date

import pytest

from medtrace.standards.udi import parse_udi
from tests.unit.catalog.udi_support import TODAY, codes

# The ICCBBA example from the IMDRF UDI application guide / FDA agency formats table.
EXAMPLE = "=/A9999XYZ100T0944=,000025=A99971312345600=>014032=}013032&,1000000000000XYZ123"


def parse(code: str):
    return parse_udi(code, today=TODAY)


@pytest.mark.parametrize(
    "code",
    [
        EXAMPLE,
        "]C0" + EXAMPLE,
        "]d1" + EXAMPLE,
        # eye-readable text with spaces
        "=/A9999XYZ100T0944 =,000025 =A99971312345600 = >014032 =}013032 &,1000000000000XYZ123",
    ],
)
def test_concatenated_udi(code):
    result = parse(code)
    assert result.errors == ()
    assert result.to_dict() == {
        "agency": "ICCBBA",
        "di": "A9999XYZ100T0944",
        "gtin": None,
        "lot": "000000000000XYZ123",
        "serial": "000025",
        "expiry": "2014-02-01",  # 2014, day 032
        "production_date": "2013-02-01",
        "item": None,
        "errors": [],
    }
    assert ("=", "A99971312345600") in result.elements


def test_compound_message():
    code = "=+06000=/A9999XYZ100T0476=,000025=A99972312345600=>025032=}023032&,1000000000000XYZ123"
    result = parse(code)
    assert result.errors == ()
    assert (result.di, result.expiry, result.production_date) == (
        "A9999XYZ100T0476",
        date(2025, 2, 1),
        date(2023, 2, 1),
    )
    assert not result.hri.startswith("=+")


def test_compound_message_with_a_wrong_count():
    code = "=+05000=/A9999XYZ100T0476=,000025=A99972312345600=>025032=}023032&,1000000000000XYZ123"
    assert codes(parse(code)) == ["ISBT-COMPOUND-COUNT"]


@pytest.mark.parametrize(
    ("structure", "expiry"),
    [
        ("&>0263651200", date(2026, 12, 31)),  # expiration date and time
        ("=>024366", date(2024, 12, 31)),  # day 366 of a leap year
        ("=>026001", date(2026, 1, 1)),
    ],
)
def test_expiration_dates(structure, expiry):
    result = parse("=/A9999XYZ100T0944" + structure)
    assert result.expiry == expiry
    assert result.ok


def test_production_date_and_time():
    assert parse("=/A9999XYZ100T0944&}0250011530").production_date == date(2025, 1, 1)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("=/A9999XYZ100T0944=>026366", "ISBT-INVALID-DATE"),  # 2026 has 365 days
        ("=/A9999XYZ100T0944=>026000", "ISBT-INVALID-DATE"),
        ("=/A9999XYZ100T0944&>0263652460", "ISBT-INVALID-DATE"),
        ("=/A9999XYZ100T094", "ISBT-LENGTH"),
        ("=/A9999XYZ100T0944=,00025", "ISBT-LENGTH"),
        ("=/A9999XYZ100T0944=,000000", "ISBT-INVALID-VALUE"),
        ("=/a9999XYZ100T0944", "ISBT-ILLEGAL-CHARACTER"),
        ("=/O9999XYZ100T0944", "ISBT-ILLEGAL-CHARACTER"),  # no letter O in a FIN
        ("=/A9999XYZ100T0944&,1" + "L" * 19, "ISBT-LENGTH"),
        ("=/A9999XYZ100T0944=!12345", "ISBT-UNKNOWN-IDENTIFIER"),
        ("=/A9999XYZ100T0944=,000025=,000026", "ISBT-DUPLICATE"),
        ("=/A9999XYZ100T0944=A9997131234560", "ISBT-LENGTH"),
    ],
)
def test_errors(code, expected):
    result = parse(code)
    assert result.agency == "ICCBBA"
    assert expected in codes(result)


def test_a_truncated_structure_does_not_swallow_the_next_one():
    result = parse("=/A9999XYZ100T0944=,0025=>026001")
    assert codes(result) == ["ISBT-LENGTH"]
    assert result.expiry == date(2026, 1, 1)


def test_production_identifiers_scanned_alone():
    result = parse("=,000025")
    assert (result.agency, result.di, result.serial) == ("ICCBBA", None, "000025")
    assert result.ok


def test_short_lot_numbers_are_accepted():
    assert parse("=/A9999XYZ100T0944&,1XYZ123").lot == "XYZ123"
