"""GS1 element strings as scanners send them, and the human-readable form."""

from datetime import date

import pytest

from medtrace.standards.udi import parse_udi
from tests.unit.catalog.udi_support import GS, TODAY, codes, gs1_check

GTIN = "09506000134352"  # GS1's own example GTIN; check digit 2 verified by hand


def parse(code: str):
    return parse_udi(code, today=TODAY)


def test_the_example_gtin_is_valid_by_the_independent_check():
    assert gs1_check(GTIN[:-1]) == GTIN


@pytest.mark.parametrize(
    "separator",
    [
        GS,
        "<GS>",
        "<gs>",
        "{GS}",
        "[GS]",
        "<FNC1>",
        "{FNC1}",
        "[FNC1]",
        "^]",
        "\u241d",
        "\\u001d",
        "\\x1d",
        "\\x1D",
        "\\035",
        "~1",
        "\u00e8",
    ],
)
def test_every_group_separator_substitute_splits_variable_fields(separator):
    code = f"01{GTIN}10ABC123{separator}21SN-42{separator}17261231"
    result = parse(code)
    assert result.errors == ()
    assert result.to_dict() == {
        "agency": "GS1",
        "di": GTIN,
        "gtin": GTIN,
        "lot": "ABC123",
        "serial": "SN-42",
        "expiry": "2026-12-31",
        "production_date": None,
        "item": None,
        "errors": [],
    }
    assert result.normalized == f"01{GTIN}10ABC123{GS}21SN-42{GS}17261231"
    assert result.hri == f"(01){GTIN}(10)ABC123(21)SN-42(17)261231"


@pytest.mark.parametrize("prefix", ["]d2", "]C1", "]Q3", "]e0", "]J1", "]d1", "]Q1"])
def test_symbology_identifiers_are_stripped_and_kept(prefix):
    result = parse(f"{prefix}01{GTIN}11250115172612311" + f"0L-7/{GS}21X")
    assert result.symbology == prefix
    assert (result.gtin, result.lot, result.serial) == (GTIN, "L-7/", "X")
    assert result.production_date == date(2025, 1, 15)
    assert result.expiry == date(2026, 12, 31)
    assert result.ok


@pytest.mark.parametrize(
    "code",
    [
        f"]C1{GS}01{GTIN}10ABC",  # FNC1 in first position transmitted as GS
        f"{GS}01{GTIN}10ABC",
        f"01{GTIN}10ABC{GS}",  # a trailing separator
        f"01{GTIN}10ABC\r\n",  # scanner suffix
        f"  01{GTIN}{GS}10ABC",  # a separator after a fixed-length AI is allowed
        f"]d2~101{GTIN}10ABC",
        f"[)>\x1e05{GS}01{GTIN}{GS}10ABC\x1e\x04",  # ISO/IEC 15434 format 05
        f"[)><RS>05<GS>01{GTIN}<GS>10ABC<RS><EOT>",
    ],
)
def test_leading_trailing_and_enveloped_data(code):
    result = parse(code)
    assert (result.agency, result.gtin, result.lot) == ("GS1", GTIN, "ABC")
    assert result.errors == ()


@pytest.mark.parametrize(
    "code",
    [
        f"(01){GTIN}(17)261231(10)ABC(21)123",
        f"(01) {GTIN} (17) 261231 (10) ABC (21) 123",
        f"]d2(01){GTIN}(17)261231(10)ABC(21)123",
    ],
)
def test_human_readable_form(code):
    result = parse(code)
    assert result.errors == ()
    assert (result.gtin, result.expiry, result.lot, result.serial) == (
        GTIN,
        date(2026, 12, 31),
        "ABC",
        "123",
    )
    assert result.normalized == f"01{GTIN}1726123110ABC{GS}21123"


def test_parentheses_inside_a_lot_in_the_human_readable_form():
    result = parse(f"(01){GTIN}(10)A(B)C(21)12(3)")
    assert (result.lot, result.serial) == ("A(B)C", "12(3)")
    assert result.ok


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("261231", date(2026, 12, 31)),
        ("261100", date(2026, 11, 30)),  # day 00 = last day of the month
        ("240200", date(2024, 2, 29)),  # leap year
        ("250200", date(2025, 2, 28)),
        ("000200", date(2000, 2, 29)),  # 2000 is a leap year
        ("240229", date(2024, 2, 29)),
        ("760101", date(2076, 1, 1)),  # 50 years ahead: this century
        ("770101", date(1977, 1, 1)),  # 51 years ahead: previous century
    ],
)
def test_expiry_dates(value, expected):
    result = parse(f"01{GTIN}17{value}")
    assert result.expiry == expected
    assert result.ok


def test_production_date_day_00_is_the_end_of_the_month():
    assert parse(f"01{GTIN}11250400").production_date == date(2025, 4, 30)


@pytest.mark.parametrize("value", ["261301", "260001", "250229", "260431", "26AB01"])
def test_invalid_dates_are_reported_and_not_used(value):
    result = parse(f"01{GTIN}17{value}10LOT")
    assert result.expiry is None
    assert result.lot == "LOT"
    expected = "GS1-ILLEGAL-CHARACTER" if "A" in value else "GS1-INVALID-DATE"
    assert codes(result) == [expected]
    assert "AI (17)" in result.errors[0].message
    assert "position 17" in result.errors[0].message


def test_wrong_gtin_check_digit():
    result = parse("010950600013435310ABC")
    assert codes(result) == ["GS1-CHECK-DIGIT"]
    assert result.gtin == "09506000134353"
    message = result.errors[0].message
    assert "AI (01)" in message and "must be 2" in message


def test_sscc_check_digit_is_validated():
    sscc = gs1_check("00950600013435678")
    assert parse("00" + sscc).ok
    wrong = sscc[:-1] + str((int(sscc[-1]) + 1) % 10)
    assert codes(parse("00" + wrong)) == ["GS1-CHECK-DIGIT"]


@pytest.mark.parametrize(
    ("code", "ai"),
    [
        ("010950600013435", "01"),  # 13 of 14 digits
        (f"01{GTIN}1726123", "17"),
        (f"01095060001343{GS}10ABC", "01"),  # a separator inside a fixed-length field
        (f"01{GTIN}10{GS}21X", "10"),  # an empty variable field
    ],
)
def test_truncated_data(code, ai):
    result = parse(code)
    assert "GS1-TRUNCATED" in codes(result)
    error = next(e for e in result.errors if e.code == "GS1-TRUNCATED")
    assert f"AI ({ai})" in error.message


def test_a_separator_in_a_fixed_field_does_not_swallow_what_follows():
    result = parse(f"01095060001343{GS}10ABC")
    assert result.lot == "ABC"


@pytest.mark.parametrize(("ai", "value"), [("10", "L" * 21), ("21", "S" * 25)])
def test_over_long_variable_data(ai, value):
    result = parse(f"01{GTIN}{ai}{value}")
    assert codes(result) == ["GS1-TOO-LONG"]
    assert "at most 20" in result.errors[0].message


@pytest.mark.parametrize(
    ("code", "char"),
    [
        (f"01{GTIN}10AB C", " "),
        (f"01{GTIN}10ABé", "é"),
        (f"01{GTIN}21A#B", "#"),
        ("010950600013435A10X", "A"),
    ],
)
def test_illegal_characters(code, char):
    result = parse(code)
    assert "GS1-ILLEGAL-CHARACTER" in codes(result)
    assert f"'{char}'" in result.errors[0].message


def test_unknown_ai_is_reported_and_reading_resumes_after_the_next_separator():
    result = parse(f"01{GTIN}{GS}2391234{GS}10ABC")
    assert codes(result) == ["GS1-UNKNOWN-AI"]
    assert "'239'" in result.errors[0].message
    assert "position 18" in result.errors[0].message
    assert (result.gtin, result.lot) == (GTIN, "ABC")


def test_unknown_ai_at_the_end():
    result = parse(f"01{GTIN}0512345")
    assert codes(result) == ["GS1-UNKNOWN-AI"]
    assert result.gtin == GTIN


def test_duplicate_ais():
    same = parse(f"01{GTIN}10ABC{GS}01{GTIN}")
    assert same.ok and same.elements == (("01", GTIN), ("10", "ABC"))
    different = parse(f"01{GTIN}10ABC{GS}10XYZ")
    assert codes(different) == ["GS1-DUPLICATE-AI"]
    assert different.lot == "ABC"


@pytest.mark.parametrize("code", ["10ABC", "21123", "17261231", f"17261231 10ABC{GS}21X"])
def test_production_identifiers_without_a_gtin_are_read_but_flagged(code):
    result = parse(code.replace(" ", ""))
    assert result.agency == "GS1"
    assert result.di is None
    assert set(codes(result)) == {"GS1-MISSING-PAIR"}
    assert "(01)" in result.errors[0].message


def test_exclusive_ais():
    result = parse(f"01{GTIN}02{GTIN}")
    assert "GS1-INVALID-PAIR" in codes(result)


@pytest.mark.parametrize(
    ("code", "gtin"),
    [
        ("]E05901234123457", "05901234123457"),
        ("5901234123457", "05901234123457"),
        ("036000291452", "00036000291452"),  # UPC-A
        ("]E0036000291452", "00036000291452"),  # UPC-A sent as 12 digits
        ("]E496385074", "00000096385074"),  # EAN-8
        ("]I1" + gs1_check("1950600013435"), gs1_check("1950600013435")),  # ITF-14
        ("]E3590123412345712", "05901234123457"),  # with a 2-digit add-on
    ],
)
def test_bare_gtins_from_linear_symbols(code, gtin):
    result = parse(code)
    assert (result.agency, result.gtin, result.di) == ("GS1", gtin, gtin)
    assert result.ok


def test_ean13_with_a_wrong_check_digit():
    assert codes(parse("]E05901234123458")) == ["GS1-CHECK-DIGIT"]


@pytest.mark.parametrize("code", ["", "   ", "\r\n", GS, "]d2", "]C1<GS>"])
def test_empty(code):
    result = parse(code)
    assert result.agency is None
    assert codes(result) == ["UDI-EMPTY"]


@pytest.mark.parametrize("code", ["hello", "ABC-123", "#01" + GTIN, "[)>\x1e06\x1d1PABC\x1e\x04"])
def test_unknown_formats(code):
    result = parse(code)
    assert result.agency is None
    assert codes(result) == ["UDI-UNKNOWN-FORMAT"]


def test_positions_count_in_the_cleaned_data():
    result = parse(f"]d201{GTIN}10ABC<GS>17261331")
    assert result.data == f"01{GTIN}10ABC{GS}17261331"
    assert result.errors[0].position == 23
    assert result.errors[0].message.startswith("At position 23: AI (17)")
