"""The standards' rules, rule by rule, with scanner strings as real devices send them: dates
that do not exist in every GS1 date field, long element strings with many AIs (GS1-128,
DataBar Expanded, DataMatrix, several symbols read at once), every HIBC secondary date, quantity
and serial form, ISBT 128 UDIs as issued (donation numbers with check flags) and Digital Link
URIs with empty path segments."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pytest

from medtrace.modules.catalog.web import scan
from medtrace.standards.udi import UdiComposeError, compose_gs1, parse_udi
from tests.unit.catalog.udi_support import GS, TODAY, codes, hibc, hibc_secondary

GTIN = "09506000134352"
SSCC = "106141411234567897"


def parse(code: str):
    return parse_udi(code, today=TODAY)


# --- GS1 date fields -----------------------------------------------------------------------


def _date_ais() -> dict[str, list[dict]]:
    """Every AI of the packaged table with a date or time component, read from the table itself
    (so an AI added to the table is covered here too)."""
    text = (resources.files("medtrace.standards.udi") / "data" / "gs1-ai-table.json").read_text(
        encoding="utf-8"
    )
    found = {}
    for entry in json.loads(text)["applicationIdentifiers"]:
        linters = {linter for c in entry["components"] for linter in c["linters"]}
        if linters & {"yymmdd", "yymmd0", "yyyymmdd"}:
            found[entry["ai"]] = entry["components"]
    return found


DATE_AIS = _date_ais()
FILL = {"yymmdd": "260228", "yymmd0": "260228", "yyyymmdd": "20260228", "hhmi": "2359",
        "hh": "23", "mi": "59", "ss": "59"}  # fmt: skip
BAD = {"yymmdd": "260230", "yymmd0": "260230", "yyyymmdd": "20260230", "hhmi": "2360",
       "hh": "24", "mi": "60", "ss": "60"}  # fmt: skip


def _value(components: list[dict], bad_index: int | None = None) -> str:
    parts = []
    for index, component in enumerate(components):
        linter = next(linter for linter in component["linters"] if linter in FILL)
        parts.append((BAD if index == bad_index else FILL)[linter])
    return "".join(parts)


def test_the_table_has_the_date_ais_the_standard_lists():
    assert {"11", "12", "13", "15", "16", "17", "4324", "4325", "4326", "7003", "7006", "7007",
            "7011", "7250", "7251", "8008"} <= set(DATE_AIS)  # fmt: skip


@pytest.mark.parametrize("ai", sorted(DATE_AIS))
def test_every_date_and_time_component_of_every_date_ai_refuses_what_does_not_exist(ai):
    components = DATE_AIS[ai]
    key = f"(00){SSCC}" if ai in ("4324", "4325", "4326") else f"(01){GTIN}"
    good = parse(f"{key}({ai}){_value(components)}")
    assert "GS1-INVALID-DATE" not in codes(good), good.errors
    for index in range(len(components)):
        refused = parse(f"{key}({ai}){_value(components, bad_index=index)}")
        assert "GS1-INVALID-DATE" in codes(refused), (ai, index)


@pytest.mark.parametrize(
    "ai", sorted(ai for ai, parts in DATE_AIS.items() if "yyyymmdd" not in parts[0]["linters"])
)
def test_day_00_means_end_of_month_only_where_the_standard_allows_it(ai):
    first = DATE_AIS[ai][0]
    key = f"(00){SSCC}" if ai in ("4324", "4325", "4326") else f"(01){GTIN}"
    value = "260200" + _value(DATE_AIS[ai])[6:]
    result = parse(f"{key}({ai}){value}")
    allowed = "yymmd0" in first["linters"]  # AIs 11-17, 4324, 4325
    assert ("GS1-INVALID-DATE" in codes(result)) is not allowed, ai


@pytest.mark.parametrize(
    ("code", "expiry"),
    [
        (f"]d201{GTIN}17240229", date(2024, 2, 29)),  # leap year
        (f"]d201{GTIN}17000229", date(2000, 2, 29)),  # 2000 is a leap year
        (f"]d201{GTIN}17240200", date(2024, 2, 29)),
        (f"]d201{GTIN}17250200", date(2025, 2, 28)),
        (f"]d201{GTIN}17760101", date(2076, 1, 1)),  # 50 years ahead: this century
        (f"]d201{GTIN}17770101", date(1977, 1, 1)),  # 51 years ahead: the previous one
        (f"]d201{GTIN}70032706301200", date(2027, 6, 30)),  # expiry date and time
    ],
)
def test_leap_years_and_the_century_window(code, expiry):
    result = parse(code)
    assert result.errors == ()
    assert result.expiry == expiry


@pytest.mark.parametrize(
    "code",
    [
        f"]d201{GTIN}17250229",  # 2025 is no leap year
        f"]d201{GTIN}17260431",
        f"]d201{GTIN}17261301",
        f"]d201{GTIN}17261232",
        f"]d201{GTIN}11260230",
        f"]d201{GTIN}7003260230120010LOT",
        f"]d201{GTIN}70032602282400{GS}10LOT",
        f"]d201{GTIN}7007260201260230",
        f"]d201{GTIN}800826022824",
        f"]d201{GTIN}725019000229{GS}8018{'0' * 17}1",
        f"(01){GTIN}(17)260230(10)LOT",
        f"https://id.gs1.org/01/{GTIN}/10/LOT?17=260230",
        f"https://id.gs1.org/01/{GTIN}/10/LOT?7003=2602301200",
    ],
)
def test_dates_that_do_not_exist_are_refused_in_every_form(code):
    result = parse(code)
    assert "GS1-INVALID-DATE" in codes(result), code
    assert result.expiry is None


def test_composing_refuses_a_date_that_does_not_exist():
    with pytest.raises(UdiComposeError) as refused:
        compose_gs1(GTIN, expiry="260230", today=TODAY)
    assert refused.value.code == "GS1-INVALID-DATE"


# --- long element strings ------------------------------------------------------------------

LONG_PAIRS = [
    ("01", GTIN), ("11", "260115"), ("17", "270630"), ("10", "LOT-2611/A"),
    ("21", "SN0042119876"), ("240", "REF-77.12"), ("7003", "2706301200"),
    ("30", "12"), ("3103", "001250"), ("422", "156"), ("91", "INTERNAL-1"),
    ("8008", "26011514"),
]  # fmt: skip
FIXED = {"01", "11", "17", "3103"}  # pre-defined length: no FNC1 needed after them


def _element_string(pairs) -> str:
    out = ""
    for index, (ai, value) in enumerate(pairs):
        out += ai + value
        if ai not in FIXED and index < len(pairs) - 1:
            out += GS
    return out


@pytest.mark.parametrize("prefix", ["]C1", "]e0", "]d2", "]Q3", GS, "]C1" + GS, ""])
def test_a_long_element_string_with_many_ais_is_read_whole(prefix):
    result = parse(prefix + _element_string(LONG_PAIRS))
    assert result.errors == ()
    assert result.elements == tuple(LONG_PAIRS)
    assert (result.gtin, result.lot, result.serial) == (GTIN, "LOT-2611/A", "SN0042119876")
    assert (result.expiry, result.production_date) == (date(2027, 6, 30), date(2026, 1, 15))
    assert result.quantity == "12"


def test_the_same_many_ais_in_human_readable_form():
    hri = "".join(f"({ai}){value}" for ai, value in LONG_PAIRS)
    result = parse(hri)
    assert result.errors == ()
    assert result.elements == tuple(LONG_PAIRS)


@pytest.mark.parametrize(
    "joint",
    ["\r\n]C1", "\n]C1", "]C1", "\r\n", "\n", " \r\n ", "\t]e0", GS + "]C1", "\r\n]C1" + GS],
)
def test_several_gs1_128_symbols_read_at_once_join_into_one_udi(joint):
    """A UDI too long for one GS1-128 symbol (48 characters) is printed as two; a scanner that
    reads both sends them one after the other."""
    code = f"]C101{GTIN}17270630" + "10LOT-2611" + joint + "21SN0042119876" + GS + "240REF-77"
    result = parse(code)
    assert result.errors == ()
    assert (result.lot, result.serial) == ("LOT-2611", "SN0042119876")
    assert ("240", "REF-77") in result.elements


def test_a_missing_separator_in_a_long_string_is_still_refused():
    code = f"]C101{GTIN}17270630" + "10LOT-2611" + "21SN0042119876"
    result = parse(code)
    assert result.lot == "LOT-2611" + "21SN0042119876"
    assert result.serial is None


# --- HIBC secondary data -------------------------------------------------------------------

PRIMARY = hibc("+A123BJC5D6E71")

# secondary data -> (lot, serial, expiry, quantity); every date and serial form of HIBC LIC 2.6
HIBC_FORMS = {
    "$LOT123": ("LOT123", None, None, None),
    "$+SER123": (None, "SER123", None, None),
    "$$0628LOT1": ("LOT1", None, date(2028, 6, 30), None),  # MMYY, month 0x
    "$$1228LOT1": ("LOT1", None, date(2028, 12, 31), None),  # MMYY, month 1x
    "$$2022928LOT1": ("LOT1", None, date(2028, 2, 29), None),  # MMDDYY
    "$$3280229LOT1": ("LOT1", None, date(2028, 2, 29), None),  # YYMMDD
    "$$428022923LOT1": ("LOT1", None, date(2028, 2, 29), None),  # YYMMDDHH
    "$$528060LOT1": ("LOT1", None, date(2028, 2, 29), None),  # YYJJJ (leap year)
    "$$62806000LOT1": ("LOT1", None, date(2028, 2, 29), None),  # YYJJJHH
    "$$7LOT1": ("LOT1", None, None, None),  # no date
    "$$8053280229LOT1": ("LOT1", None, date(2028, 2, 29), "05"),  # 2-digit quantity
    "$$9001003280229LOT1": ("LOT1", None, date(2028, 2, 29), "00100"),  # 5-digit quantity
    "$$8727LOT1": ("LOT1", None, None, "72"),  # quantity without a date (flag 7 follows)
    "$$+0628SER1": (None, "SER1", date(2028, 6, 30), None),
    "$$+1228SER1": (None, "SER1", date(2028, 12, 31), None),
    "$$+2022928SER1": (None, "SER1", date(2028, 2, 29), None),
    "$$+3280229SER1": (None, "SER1", date(2028, 2, 29), None),
    "$$+428022923SER1": (None, "SER1", date(2028, 2, 29), None),
    "$$+528060SER1": (None, "SER1", date(2028, 2, 29), None),
    "$$+62806000SER1": (None, "SER1", date(2028, 2, 29), None),
    "$$+7SER1": (None, "SER1", None, None),
    "28060LOT1": ("LOT1", None, date(2028, 2, 29), None),  # legacy +YYJJJ lot
    "$$3280229LOT1/S77DE1/16D20260115": ("LOT1", "77DE1", date(2028, 2, 29), None),
    "$$3280229LOT1/14D20280229/Q10": ("LOT1", None, date(2028, 2, 29), "10"),
}


@pytest.mark.parametrize("secondary", sorted(HIBC_FORMS))
def test_every_hibc_secondary_form_alone_concatenated_and_after_the_primary(secondary):
    lot, serial, expiry, quantity = HIBC_FORMS[secondary]
    for code in (
        hibc_secondary(secondary, PRIMARY[-1]),  # secondary symbol on its own
        hibc(PRIMARY[:-1] + "/" + secondary),  # concatenated
        PRIMARY + hibc_secondary(secondary, PRIMARY[-1]),  # two symbols in one read
        f"*{hibc(PRIMARY[:-1] + '/' + secondary)}*",  # as printed
    ):
        result = parse(code)
        assert result.errors == (), (code, result.errors)
        assert (result.lot, result.serial, result.expiry, result.quantity) == (
            lot,
            serial,
            expiry,
            quantity,
        ), code


@pytest.mark.parametrize(
    ("secondary", "fmt"),
    [
        ("$$0028LOT1", "MMYY"),
        ("$$1328LOT1", "MMYY"),
        ("$$2023026LOT1", "MMDDYY"),  # 30 February
        ("$$2022927LOT1", "MMDDYY"),  # 2027 is no leap year
        ("$$3270229LOT1", "YYMMDD"),
        ("$$3280200LOT1", "YYMMDD"),  # no day 00 in HIBC
        ("$$428022924LOT1", "YYMMDDHH"),  # hour 24
        ("$$428023012LOT1", "YYMMDDHH"),
        ("$$527366LOT1", "YYJJJ"),  # day 366 of a common year
        ("$$528000LOT1", "YYJJJ"),
        ("$$62736600LOT1", "YYJJJHH"),
        ("$$62806024LOT1", "YYJJJHH"),
        ("$$+2023026SER1", "MMDDYY"),
        ("$$+3270229SER1", "YYMMDD"),
        ("$$+428022924SER1", "YYMMDDHH"),
        ("$$+527366SER1", "YYJJJ"),
        ("$$+62736600SER1", "YYJJJHH"),
        ("$$8053270229LOT1", "YYMMDD"),
        ("27366LOT1", "YYJJJ"),
        ("$$3280229LOT1/16D20270229", "YYYYMMDD"),
        ("$$3280229LOT1/14D20280230", "YYYYMMDD"),
    ],
)
def test_hibc_dates_that_do_not_exist_are_refused(secondary, fmt):
    for code in (hibc_secondary(secondary, PRIMARY[-1]), hibc(PRIMARY[:-1] + "/" + secondary)):
        result = parse(code)
        assert codes(result) == ["HIBCC-INVALID-DATE"], (code, result.errors)
        assert dict(result.errors[0].params)["format"] == fmt


# --- ICCBBA ISBT 128 -------------------------------------------------------------------------

ISO7064 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"


def iso7064_mod37_2(din: str) -> int:
    """ISO 7064 MOD 37-2 as ISBT 128 describes it: each character's value times 2 to the
    power of its position from the right (1-based), summed; (38 - sum mod 37) mod 37."""
    total = sum(ISO7064.index(c) * 2 ** (len(din) - i) for i, c in enumerate(din))
    return (38 - total % 37) % 37


def test_the_published_iso7064_example():
    assert iso7064_mod37_2("G123498654321") == 17  # eye-readable "H", barcode flags "77"


DIN = "A999926123456"  # FIN A9999, year 26, sequence 123456
FLAGS = f"{60 + iso7064_mod37_2(DIN):02d}"
WRONG_FLAGS = f"{60 + (iso7064_mod37_2(DIN) + 1) % 37:02d}"
ISSUED = (
    "=/A9999XYZ100T0944"  # processor product identification code (DI)
    "=,000025"  # product divisions (serial)
    f"={DIN}{FLAGS}"  # donation identification number with its check flags
    "=>026365"  # expiry 2026-12-31
    "=}025032"  # produced 2025-02-01
    "&,1LOT2611A"  # MPHO lot
    "&,2SUPP001"  # MPHO supplemental identification number
)


@pytest.mark.parametrize(
    "code",
    [
        ISSUED,
        "]C0" + ISSUED,
        "]d1" + ISSUED,
        "=+07000" + ISSUED,  # 2-D symbol: compound message of 7 data structures
        ISSUED.replace("=,", "\r\n=,").replace("=>", "\r\n=>"),  # linear symbols, one per line
        ISSUED + "=*026300&*0263001200",  # with collection date (and time)
    ],
)
def test_an_isbt_128_udi_as_issued(code):
    result = parse(code)
    assert result.errors == (), result.errors
    assert (result.agency, result.di, result.serial, result.lot) == (
        "ICCBBA",
        "A9999XYZ100T0944",
        "000025",
        "LOT2611A",
    )
    assert (result.expiry, result.production_date) == (date(2026, 12, 31), date(2025, 2, 1))
    assert ("=", DIN + FLAGS) in result.elements


@pytest.mark.parametrize("flags", ["00", "01", "59"])
def test_din_flags_that_are_no_check_character_are_kept(flags):
    result = parse(f"=/A9999XYZ100T0944={DIN}{flags}")
    assert result.errors == ()


def test_din_check_flags_that_do_not_match_are_refused():
    wrong = WRONG_FLAGS
    result = parse(f"=/A9999XYZ100T0944={DIN}{wrong}")
    assert codes(result) == ["ISBT-CHECK-CHARACTER"]
    assert dict(result.errors[0].params) == {
        "number": "001",
        "identifier": "=",
        "found": wrong,
        "value": DIN,
        "expected": FLAGS,
    }


@pytest.mark.parametrize(
    "structure",
    ["=>026366", "=}027000", "=*026366", "&>0263652400", "&}0260011260", "&*0263660000"],
)
def test_isbt_dates_that_do_not_exist_are_refused(structure):
    assert codes(parse("=/A9999XYZ100T0944" + structure)) == ["ISBT-INVALID-DATE"]


def test_a_leap_day_366_is_a_date():
    result = parse("=/A9999XYZ100T0944=>024366")
    assert result.errors == ()
    assert result.expiry == date(2024, 12, 31)


# --- GS1 Digital Link ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        f"https://id.gs1.org//01/{GTIN}/10/ABC",
        f"https://id.gs1.org/01//{GTIN}/10/ABC",
        f"https://id.gs1.org/01/{GTIN}//10/ABC",
        f"https://id.gs1.org/01/{GTIN}/10//ABC",
        f"https://id.gs1.org/01/{GTIN}/10/ABC/",
        f"https://id.gs1.org/01/{GTIN}/",
        f"https://example.com/shop//01/{GTIN}/10/ABC?17=261231",
        "https://id.gs1.org/01//10/ABC",
    ],
)
def test_digital_links_with_an_empty_path_segment_are_refused(uri):
    result = parse(uri)
    assert codes(result) == ["GS1-DL-EMPTY-SEGMENT"]
    assert result.agency == "GS1"
    assert result.gtin is None


def test_an_address_without_a_gs1_key_stays_no_udi_even_with_empty_segments():
    assert codes(parse("https://example.com/shop//about/")) == ["UDI-UNKNOWN-FORMAT"]


@pytest.mark.parametrize(
    "uri",
    [
        f"https://id.gs1.org/01/{GTIN}/10/A%G1B",
        f"https://id.gs1.org/01/{GTIN}/10/ABC%",
        f"https://id.gs1.org/01/{GTIN}/10/ABC?17=2612%3",
    ],
)
def test_a_broken_percent_escape_is_refused(uri):
    assert "GS1-DL-PERCENT-ENCODING" in codes(parse(uri))


@pytest.mark.parametrize(
    ("uri", "lot"),
    [
        (f"https://id.gs1.org/01/{GTIN}/10/A%2FB%25C", "A/B%C"),
        (f"https://id.gs1.org/01/{GTIN}/10/a%2fb", "a/b"),
        (f"https://brand.example/p/eu/01/{GTIN}/22/V1/10/L%2B1/21/S1?17=280229&3103=001250", "L+1"),
    ],
)
def test_valid_digital_links_with_percent_escapes_and_qualifiers_are_read(uri, lot):
    result = parse(uri)
    assert result.errors == ()
    assert result.lot == lot


# --- the refusals are translated -----------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        f"https://id.gs1.org/01/{GTIN}//10/ABC",
        f"https://id.gs1.org/01/{GTIN}/10/A%G1B",
        f"=/A9999XYZ100T0944={DIN}{WRONG_FLAGS}",
    ],
)
def test_new_refusals_have_a_chinese_text(code):
    error = parse(code).errors[0]
    chinese = scan.error_message(error, "zh_CN")
    assert chinese != error.message
    assert scan.error_message(error, "en") == error.message
