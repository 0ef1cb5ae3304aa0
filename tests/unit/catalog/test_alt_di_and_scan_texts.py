"""DIs of the other issuing agencies (HIBCC, ICCBBA) as packaging levels store them, and the
translatable texts of the UDI errors, kept in step with the parser's catalogue."""

from __future__ import annotations

import re

import pytest

from medtrace.modules.catalog import rules
from medtrace.modules.catalog.web import scan
from medtrace.standards.udi import MESSAGES, UdiError, parse_udi
from medtrace.standards.udi.result import PARAMETER_WORDS
from tests.unit.catalog.udi_support import hibc


@pytest.mark.parametrize(("given", "stored"), [
    ("A123BJC5D6E71", "A123BJC5D6E71"),
    ("a123 bjc5d6e7 1", "A123BJC5D6E71"),  # spaces dropped, letters upper-cased
    ("H123PARTNO1234567890120", "H123PARTNO1234567890120"),  # an 18-character product number
    ("ZZZZX0", "ZZZZX0"),  # the shortest: LIC, one product character, unit of measure
])
def test_a_hibcc_di_is_labeler_code_product_number_and_unit_of_measure(given, stored):
    assert rules.normalize_alt_di("HIBCC", given) == stored
    # exactly what the parser reports for a primary symbol carrying it
    assert parse_udi(hibc("+" + stored)).di == stored


@pytest.mark.parametrize("given", [
    "1123BJC5D6E71",  # the labeler code starts with a digit
    "A12",  # too short to hold a product number and a unit of measure
    "A123BJC5D6E7X",  # the unit of measure is not a digit
    "A123" + "P" * 19 + "1",  # a 19-character product number
    "A123BJC-D6E71",  # not a letter or digit
    "+A123BJC5D6E71G",  # the symbol's data, not the DI
    "",
])
def test_a_bad_hibcc_di_is_refused(given):
    assert rules.normalize_alt_di("HIBCC", given) is None


@pytest.mark.parametrize(("given", "stored"), [
    ("A9999XYZ100T0944", "A9999XYZ100T0944"),
    ("=/A9999XYZ100T0944", "A9999XYZ100T0944"),  # with its data identifier
    ("a9999xyz100t0944", "A9999XYZ100T0944"),
])
def test_an_iccbba_di_is_the_isbt_128_product_code(given, stored):
    assert rules.normalize_alt_di("ICCBBA", given) == stored
    assert parse_udi("=/" + stored).di == stored


@pytest.mark.parametrize("given", [
    "A9999XYZ100T094",  # 15 characters
    "O9999XYZ100T0944",  # the letter O is not used in a facility identification number
    "A9999XYZ100T0944=,000025",  # more than the DI
    "",
])
def test_a_bad_iccbba_di_is_refused(given):
    assert rules.normalize_alt_di("ICCBBA", given) is None
    assert rules.normalize_alt_di("GS1", "A9999XYZ100T0944") is None


def _placeholders(text: str, pattern: str) -> set[str]:
    return set(re.findall(pattern, text))


def test_every_udi_error_code_has_a_translatable_text_with_the_same_parameters():
    assert set(scan.UDI_MESSAGES) == set(MESSAGES)
    for code, english in MESSAGES.items():
        msgid = scan.UDI_MESSAGES[code]
        assert _placeholders(msgid, r"%\((\w+)\)s") == _placeholders(english, r"\{(\w+)\}"), code
        assert re.sub(r"%\((\w+)\)s", r"{\1}", msgid).replace("%%", "%") == english, code
    assert set(PARAMETER_WORDS) == scan.PARAMETER_WORDS


def test_udi_errors_are_rendered_in_the_users_language():
    error = parse_udi("(01)06971234560019").errors[0]
    assert scan.error_message(error, "en") == error.message
    chinese = scan.error_message(error, "zh_CN")
    assert "06971234560019" in chinese and chinese != error.message
    illegal = UdiError("HIBCC-ILLEGAL-CHARACTER", (("char", "%"),), 3)
    assert scan.error_message(illegal, "en") == illegal.message  # "%%" in the msgid
    words = UdiError("HIBCC-TRUNCATED", (("structure", "primary"), ("value", "+A1")))
    assert "primary" not in scan.error_message(words, "zh_CN")
