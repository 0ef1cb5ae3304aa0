"""GS1 Digital Link URIs as read from QR codes and DataMatrix symbols."""

from datetime import date

import pytest

from medtrace.standards.udi import parse_udi
from tests.unit.catalog.udi_support import GS, TODAY, codes, gs1_check

GTIN = "09506000134352"


def parse(code: str):
    return parse_udi(code, today=TODAY)


@pytest.mark.parametrize(
    "uri",
    [
        f"https://id.gs1.org/01/{GTIN}/10/ABC/21/123",
        f"https://example.com/01/{GTIN}/10/ABC/21/123",
        f"http://brand.example.org/products/eu/01/{GTIN}/10/ABC/21/123",
        f"HTTPS://ID.GS1.ORG/01/{GTIN}/10/ABC/21/123",
        f"]Q1https://id.gs1.org/01/{GTIN}/10/ABC/21/123",
        f"https://id.gs1.org/01/{GTIN}/10/%41BC/21/1%323",
        f"https://id.gs1.org/gtin/{GTIN}/lot/ABC/ser/123",
        f"https://id.gs1.org/01/{GTIN}/10/ABC/21/123#fragment",
    ],
)
def test_path_keys_on_any_domain(uri):
    result = parse(uri)
    assert result.errors == ()
    assert (result.agency, result.gtin, result.di, result.lot, result.serial) == (
        "GS1",
        GTIN,
        GTIN,
        "ABC",
        "123",
    )
    assert result.normalized == f"01{GTIN}10ABC{GS}21123"


@pytest.mark.parametrize(
    ("query", "expiry", "production"),
    [
        ("?17=261231", date(2026, 12, 31), None),
        ("?17=261200", date(2026, 12, 31), None),
        ("?11=250101&17=270228", date(2027, 2, 28), date(2025, 1, 1)),
        ("?linkType=gs1:pip&17=240200&utm_source=x", date(2024, 2, 29), None),
        ("?17=261231&linkType=all", date(2026, 12, 31), None),
    ],
)
def test_query_attributes(query, expiry, production):
    result = parse(f"https://id.gs1.org/01/{GTIN}/10/LOT1{query}")
    assert result.errors == ()
    assert (result.lot, result.expiry, result.production_date) == ("LOT1", expiry, production)


@pytest.mark.parametrize(
    ("short", "gtin14"),
    [
        ("9506000134352", GTIN),  # GTIN-13
        ("036000291452", "00036000291452"),  # GTIN-12
        ("96385074", "00000096385074"),  # GTIN-8
        (gs1_check("1950600013435"), gs1_check("1950600013435")),
    ],
)
def test_gtins_are_normalised_to_14_digits(short, gtin14):
    result = parse(f"https://id.gs1.org/01/{short}?17=261231")
    assert result.gtin == gtin14
    assert result.ok


def test_percent_encoded_slash_stays_in_the_value_and_plus_is_kept():
    result = parse(f"https://id.gs1.org/01/{GTIN}/10/A%2FB+C/21/X%25Y")
    assert (result.lot, result.serial) == ("A/B+C", "X%Y")
    assert result.ok


def test_wrong_gtin_check_digit_in_a_digital_link():
    result = parse("https://id.gs1.org/01/09506000134353/10/ABC")
    assert codes(result) == ["GS1-CHECK-DIGIT"]


def test_qualifiers_in_the_wrong_order():
    result = parse(f"https://id.gs1.org/01/{GTIN}/21/123/10/ABC")
    assert codes(result) == ["GS1-DL-QUALIFIER"]
    assert (result.lot, result.serial) == ("ABC", "123")


def test_a_key_without_a_value():
    result = parse(f"https://id.gs1.org/01/{GTIN}/10")
    assert codes(result) == ["GS1-DL-SYNTAX"]
    assert result.gtin == GTIN


def test_serial_is_not_a_query_attribute():
    result = parse(f"https://id.gs1.org/01/{GTIN}?21=123")
    assert codes(result) == ["GS1-DL-ATTRIBUTE"]


def test_invalid_date_and_unknown_ai_in_the_query():
    result = parse(f"https://id.gs1.org/01/{GTIN}?17=261301&9999=1")
    assert sorted(codes(result)) == ["GS1-INVALID-DATE", "GS1-UNKNOWN-AI"]
    assert result.expiry is None


@pytest.mark.parametrize("uri", ["https://example.com/", "https://example.com/about/us?x=1"])
def test_web_addresses_without_a_primary_key_are_not_udis(uri):
    result = parse(uri)
    assert result.agency is None
    assert codes(result) == ["UDI-UNKNOWN-FORMAT"]
