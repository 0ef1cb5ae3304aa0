"""HIBC Supplier Labeling data structures: primary, secondary, concatenated, supplemental."""

from datetime import date

import pytest

from medtrace.standards.udi import parse_udi
from tests.unit.catalog.udi_support import TODAY, codes, hibc, hibc_secondary, mod43

PRIMARY = "+A123BJC5D6E71G"  # LIC A123, PCN BJC5D6E7, U/M 1, check G (145 mod 43 = 16 = G)


def parse(code: str):
    return parse_udi(code, today=TODAY)


def test_the_sample_primary_check_character_by_hand():
    assert mod43("+A123BJC5D6E71") == "G"


@pytest.mark.parametrize("code", [PRIMARY, f"*{PRIMARY}*", f"]d1{PRIMARY}", f"]C0{PRIMARY}\r\n"])
def test_primary(code):
    result = parse(code)
    assert result.errors == ()
    assert result.to_dict() == {
        "agency": "HIBCC",
        "di": "A123BJC5D6E71",
        "gtin": None,
        "lot": None,
        "serial": None,
        "expiry": None,
        "production_date": None,
        "item": None,
        "errors": [],
    }
    assert result.elements == (("LIC", "A123"), ("PCN", "BJC5D6E7"), ("UOM", "1"))


def test_primary_with_a_wrong_check_character():
    result = parse("+A123BJC5D6E71H")
    assert codes(result) == ["HIBCC-CHECK-CHARACTER"]
    assert "'H'" in result.errors[0].message and "'G'" in result.errors[0].message
    assert result.di == "A123BJC5D6E71"


def test_primary_with_an_eighteen_character_product_number():
    code = hibc("+H123PARTNO1234567890120")
    result = parse(code)
    assert result.ok
    assert result.di == "H123PARTNO1234567890120"


@pytest.mark.parametrize(
    ("body", "lot", "serial", "expiry"),
    [
        ("$$3261231LOT1", "LOT1", None, date(2026, 12, 31)),
        ("$$2123126LOT1", "LOT1", None, date(2026, 12, 31)),  # MMDDYY
        ("$$1226LOT1", "LOT1", None, date(2026, 12, 31)),  # MMYY = end of month
        ("$$0926LOT1", "LOT1", None, date(2026, 9, 30)),
        ("$$0224LOT1", "LOT1", None, date(2024, 2, 29)),
        ("$$426123114LOT1", "LOT1", None, date(2026, 12, 31)),  # YYMMDDHH
        ("$$526365LOT1", "LOT1", None, date(2026, 12, 31)),  # YYJJJ
        ("$$524060LOT1", "LOT1", None, date(2024, 2, 29)),  # day 60 of a leap year
        ("$$62636523LOT1", "LOT1", None, date(2026, 12, 31)),  # YYJJJHH
        ("$$7LOT1", "LOT1", None, None),
        ("$LOT1", "LOT1", None, None),
        ("$+SER1", None, "SER1", None),
        ("$$+3261231SER1", None, "SER1", date(2026, 12, 31)),
        ("$$+1226SER1", None, "SER1", date(2026, 12, 31)),
        ("$$+7SER1", None, "SER1", None),
        ("26365LOT1", "LOT1", None, date(2026, 12, 31)),  # legacy +YYJJJ
        ("$$3261231", None, None, date(2026, 12, 31)),  # no lot
    ],
)
def test_secondary_alone(body, lot, serial, expiry):
    result = parse(hibc_secondary(body, "G"))
    assert result.errors == ()
    assert (result.agency, result.di, result.lot, result.serial, result.expiry) == (
        "HIBCC",
        None,
        lot,
        serial,
        expiry,
    )


@pytest.mark.parametrize(
    ("body", "quantity", "expiry"),
    [
        ("$$8103261231LOT1", "10", date(2026, 12, 31)),
        ("$$9001007LOT1", "00100", None),
        ("$$8051226LOT1", "05", date(2026, 12, 31)),
    ],
)
def test_secondary_with_quantity(body, quantity, expiry):
    result = parse(hibc_secondary(body, "G"))
    assert result.errors == ()
    assert (result.quantity, result.expiry, result.lot) == (quantity, expiry, "LOT1")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("$$3261301LOT1", "HIBCC-INVALID-DATE"),
        ("$$2133126LOT1", "HIBCC-INVALID-DATE"),
        ("$$1326LOT1", "HIBCC-INVALID-DATE"),
        ("$$526366LOT1", "HIBCC-INVALID-DATE"),  # 2026 has 365 days
        ("$$3261231" + "L" * 19, "HIBCC-TOO-LONG"),
        ("$$8AB3261231LOT1", "HIBCC-INVALID-QUANTITY"),
    ],
)
def test_secondary_errors(body, code):
    assert code in codes(parse(hibc_secondary(body, "G")))


def test_secondary_with_a_wrong_check_character():
    good = hibc_secondary("$$3261231LOT1", "G")
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert codes(parse(bad)) == ["HIBCC-CHECK-CHARACTER"]


def test_concatenated_primary_and_secondary():
    code = hibc("+A123BJC5D6E71/$$3261231LOT1")
    result = parse(code)
    assert result.errors == ()
    assert (result.di, result.lot, result.expiry) == ("A123BJC5D6E71", "LOT1", date(2026, 12, 31))


def test_concatenated_with_supplemental_serial_and_manufacturing_date():
    # Published sample; its check character '-' matches the independent mod 43.
    code = "+A99912345/$$52001510X3/16D20111212/S77DE1G45-"
    assert mod43(code[:-1]) == "-"
    result = parse(code)
    assert result.errors == ()
    assert result.to_dict() == {
        "agency": "HIBCC",
        "di": "A99912345",
        "gtin": None,
        "lot": "10X3",
        "serial": "77DE1G45",
        "expiry": "2020-01-15",
        "production_date": "2011-12-12",
        "item": None,
        "errors": [],
    }


def test_concatenated_serial_with_supplemental_expiry():
    code = hibc("+A123BJC5D6E71/$$+7SER42/14D20271130/Q12")
    result = parse(code)
    assert result.errors == ()
    assert (result.serial, result.expiry, result.quantity) == ("SER42", date(2027, 11, 30), "12")


def test_concatenated_with_a_wrong_check_character():
    code = hibc("+A123BJC5D6E71/$$3261231LOT1")
    bad = code[:-1] + ("Z" if code[-1] != "Z" else "Y")
    result = parse(bad)
    assert codes(result) == ["HIBCC-CHECK-CHARACTER"]
    assert result.lot == "LOT1"


def test_conflicting_expiry_dates():
    code = hibc("+A123BJC5D6E71/$$3261231LOT1/14D20270101")
    assert codes(parse(code)) == ["HIBCC-CONFLICT"]


def test_primary_and_secondary_scanned_into_one_string():
    code = PRIMARY + hibc_secondary("$$3261231LOT1", "G")
    result = parse(code)
    assert result.errors == ()
    assert (result.di, result.lot, result.expiry) == ("A123BJC5D6E71", "LOT1", date(2026, 12, 31))


def test_link_character_must_match_the_primary_check_character():
    code = PRIMARY + hibc_secondary("$$3261231LOT1", "X")
    assert codes(parse(code)) == ["HIBCC-LINK-CHARACTER"]


def test_a_space_check_character_and_its_underscore_in_the_printed_text():
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    pcn = next(
        f"P{a}{b}" for a in letters for b in letters if mod43(f"+A123P{a}{b}0") == " "
    )  # a product number whose check character is a space
    code = f"+A123{pcn}0 "
    assert parse(code).ok
    assert parse(f"*+A123{pcn}0_*").ok
    assert parse(code + "\r\n").di == f"A123{pcn}0"


def test_a_trailing_space_added_by_the_scanner_is_ignored():
    assert parse(PRIMARY + " ").ok


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("+a123bjc5d6e71g", "HIBCC-ILLEGAL-CHARACTER"),
        (hibc("+A1-3BJC5D6E71"), "HIBCC-INVALID-LIC"),
        (hibc("+A123BJC5D6E7X"), "HIBCC-INVALID-UOM"),
        (hibc("+A1231"), "HIBCC-TRUNCATED"),
        (hibc("+A123" + "P" * 19 + "1"), "HIBCC-INVALID-PRODUCT"),
        ("+/ABC", "HIBCC-UNSUPPORTED"),
        (hibc("+A123BJC5D6E71/$$3261231LOT1/X99"), "HIBCC-UNSUPPORTED"),
    ],
)
def test_malformed_structures(code, expected):
    result = parse(code)
    assert result.agency == "HIBCC"
    assert expected in codes(result)
