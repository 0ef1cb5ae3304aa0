"""Property tests: whatever arrives, ``parse_udi`` answers with a well-formed result."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medtrace.standards.udi as udi
from medtrace.standards.udi import MESSAGES, compose_gs1, parse_udi
from tests.unit.catalog.udi_support import GS, TODAY, hibc

KEYS = ["agency", "di", "gtin", "lot", "serial", "expiry", "production_date", "item", "errors"]
VALID = [
    "]d20109506000134352172612311" + f"0ABC{GS}21123",
    "(01)09506000134352(17)261200(10)ABC(21)123",
    "https://id.gs1.org/01/09506000134352/10/ABC/21/123?17=261231",
    "+A123BJC5D6E71G",
    hibc("+A123BJC5D6E71/$$3261231LOT1/16D20250101/SSER1"),
    "+A123BJC5D6E71G" + hibc("+$$+3261231SER1G"),
    "=+06000=/A9999XYZ100T0476=,000025=A99972312345600=>025032=}023032&,1000000000000XYZ123",
    "[)>\x1e05\x1d0109506000134352\x1d10ABC\x1e\x04",
    "]E05901234123457",
]
ALPHABET = st.sampled_from(
    [*"0123456789()+$/=&,%.-_*<>[]{}^~ ]ABCdxyzGS", GS, "\x1e", "\x04", "\u241d", "é"]
)
# database=None: no .hypothesis/ folder in the working tree.
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def assert_well_formed(result) -> None:
    data = result.to_dict()
    assert list(data) == KEYS
    assert data["agency"] in (None, "GS1", "HIBCC", "ICCBBA")
    for key in ("di", "gtin", "lot", "serial"):
        assert data[key] is None or isinstance(data[key], str)
    for key in ("expiry", "production_date"):
        assert data[key] is None or date.fromisoformat(data[key])
    assert data["item"] is None
    assert isinstance(data["errors"], list)
    for error in data["errors"]:
        assert set(error) == {"code", "message"}
        assert error["code"] in MESSAGES
        assert error["code"] != "UDI-UNREADABLE", result
        assert error["message"] and error["message"][0].isupper()
    if data["agency"] is None:
        assert data["errors"]


@SETTINGS
@given(st.text(max_size=80))
def test_random_text(text):
    assert_well_formed(parse_udi(text, today=TODAY))


@SETTINGS
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_random_text_from_barcode_characters(text):
    assert_well_formed(parse_udi(text, today=TODAY))


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        index = draw(st.integers(0, len(text) - 1))
        operation = draw(st.sampled_from(["insert", "delete", "replace", "cut", "repeat"]))
        char = draw(ALPHABET)
        if operation == "insert":
            text = text[:index] + char + text[index:]
        elif operation == "delete":
            text = text[:index] + text[index + 1 :]
        elif operation == "replace":
            text = text[:index] + char + text[index + 1 :]
        elif operation == "cut":
            text = text[:index]
        else:
            text = text + text[index:]
    return text


@SETTINGS
@given(mutated())
def test_mutations_of_valid_codes(text):
    assert_well_formed(parse_udi(text, today=TODAY))


def test_the_valid_seeds_are_valid():
    for text in VALID:
        result = parse_udi(text, today=TODAY)
        assert result.errors == (), (text, result.errors)


def test_non_string_input_does_not_raise():
    for value in (None, b"+A123BJC5D6E71G", 12345):
        assert_well_formed(parse_udi(value, today=TODAY))  # type: ignore[arg-type]


CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.text(alphabet=CSET82, min_size=1, max_size=20),
    st.text(alphabet=CSET82, min_size=1, max_size=20),
    st.dates(min_value=date(1978, 1, 1), max_value=date(2076, 12, 31)),
)
def test_compose_then_parse_round_trips(lot, serial, expiry):
    composed = compose_gs1("09506000134352", lot=lot, serial=serial, expiry=expiry, today=TODAY)
    for text in (composed.element_string, composed.hri):
        result = parse_udi(text, today=TODAY)
        assert (result.lot, result.serial, result.expiry) == (lot, serial, expiry), text
        assert result.errors == ()


def _documented_messages() -> dict[str, str]:
    """The code table of the package docstring: code -> message (wrapped lines joined)."""
    table = (udi.__doc__ or "").split("\n=====")[2].split("\n", 1)[1]
    rows: dict[str, str] = {}
    code = ""
    for line in table.splitlines():
        if line.startswith("="):
            break
        if line[:1].strip():
            code, _, text = line.partition(" ")
            rows[code] = text.strip()
        else:
            rows[code] += " " + line.strip()
    return rows


def test_every_error_code_is_documented_in_the_package_docstring():
    assert _documented_messages() == MESSAGES
