"""GS1 logistics labels: the SSCC with its check digit, the element strings of a homogeneous
package split into GS1-128 symbols of at most 48 data characters, the human-readable text, and
the PNG and SVG read back by a real decoder; refusals with the parser's error codes."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from medtrace.standards.udi import UdiComposeError, parse_udi
from medtrace.standards.udi.logistics import (
    MAX_DATA,
    LogisticsLabel,
    complete_sscc,
    compose_logistics,
    render_logistics_label,
)

GS = "\x1d"
TODAY = date(2026, 6, 1)
SSCC = "069501234000000017"
GTIN = "06901234567892"
SVG = "{http://www.w3.org/2000/svg}"


def compose(sscc: str = SSCC, **kwargs) -> LogisticsLabel:  # type: ignore[no-untyped-def]
    return compose_logistics(sscc, today=TODAY, **kwargs)


def decoded(image: Image.Image) -> dict[str, str]:
    """What zxing-cpp reads in the image: the raw data of each GS1-128 symbol by its text."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
    assert all(r.symbology_identifier == "]C1" for r in found), found
    return {r.text: r.bytes.decode("ascii") for r in found}


def test_the_check_digit_of_an_sscc():
    assert complete_sscc("06950123400000001") == SSCC
    assert complete_sscc("00614141123456789") == "006141411234567890"  # GS1 General Specs
    with pytest.raises(ValueError):
        complete_sscc("0695012340000001")  # 16 digits
    with pytest.raises(ValueError):
        complete_sscc("0695012340000000A")


def test_an_sscc_alone_is_one_symbol():
    label = compose()
    assert [s.element_string for s in label.symbols] == ["00" + SSCC]
    assert label.elements == (("00", SSCC),)
    assert label.hri == f"(00) {SSCC}"


def test_a_homogeneous_package_puts_the_predefined_lengths_first():
    label = compose(gtin=GTIN, count=10, lot="C-EARLY", expiry=date(2027, 1, 31))
    assert label.elements == (("00", SSCC), ("02", GTIN), ("17", "270131"), ("37", "10"),
                              ("10", "C-EARLY"))
    assert label.hri == f"(00) {SSCC} (02) {GTIN} (17) 270131 (37) 10 (10) C-EARLY"
    # 49 characters in one symbol: the SSCC gets its own, the content the other
    assert [s.element_string for s in label.symbols] == [
        f"00{SSCC}", f"02{GTIN}17270131" f"3710{GS}10C-EARLY"]
    assert [s.hri for s in label.symbols] == [
        f"(00){SSCC}", f"(02){GTIN}(17)270131(37)10(10)C-EARLY"]
    assert all(len(s.element_string) <= MAX_DATA for s in label.symbols)


def test_a_short_content_fits_in_one_symbol_and_a_gtin_13_is_padded():
    label = compose(gtin="6901234567892", count=5)
    assert [s.element_string for s in label.symbols] == [f"00{SSCC}02{GTIN}375"]
    read = parse_udi(label.symbols[0].element_string, today=TODAY)  # the scanners' parser
    assert read.ok and read.elements == (("00", SSCC), ("02", GTIN), ("37", "5"))


def test_a_long_lot_makes_a_third_symbol():
    lot = "L" * 20
    label = compose(gtin=GTIN, count=12345678, lot=lot, expiry="270100")
    strings = [s.element_string for s in label.symbols]
    assert strings == [f"00{SSCC}", f"02{GTIN}172701003712345678", f"10{lot}"]
    assert "".join(s.hri for s in label.symbols) == (
        f"(00){SSCC}(02){GTIN}(17)270100(37)12345678(10){lot}")
    assert all(len(s) <= MAX_DATA for s in strings)


def test_the_png_reads_back_as_gs1_128_with_every_element():
    label = compose(gtin=GTIN, count=10, lot="C-EARLY", expiry=date(2027, 1, 31))
    png = render_logistics_label(label, format="png", title="Case")
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG")
    found = decoded(Image.open(io.BytesIO(png)))
    assert found == {f"(00){SSCC}": f"00{SSCC}",
                     f"(02){GTIN}(17)270131(37)10(10)C-EARLY": f"02{GTIN}172701313710{GS}10C-EARLY"}
    sscc_only = decoded(Image.open(io.BytesIO(render_logistics_label(compose()))))
    assert sscc_only == {f"(00){SSCC}": f"00{SSCC}"}


def _rasterise(svg: str) -> Image.Image:
    """The SVG's bars (``M x y h w v h h -w z`` runs) drawn again with Pillow."""
    root = ET.fromstring(svg)
    image = Image.new("L", (int(root.get("width", "0")), int(root.get("height", "0"))), 255)
    draw = ImageDraw.Draw(image)
    for path in root.iter(f"{SVG}path"):
        for x, y, w, h in re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)h-\d+z", path.get("d", "")):
            x, y, w, h = int(x), int(y), int(w), int(h)
            draw.rectangle((x, y, x + w - 1, y + h - 1), fill=0)
    return image


def test_the_svg_has_the_human_readable_text_and_the_same_bars():
    label = compose(gtin=GTIN, count=10, lot="C-EARLY", expiry=date(2027, 1, 31))
    svg = render_logistics_label(label, format="svg")
    assert isinstance(svg, str)
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == [f"(02) {GTIN} (17) 270131 (37) 10 (10) C-EARLY", f"(00) {SSCC}"]
    assert root.find(f"{SVG}desc").text == label.hri  # type: ignore[union-attr]
    assert set(decoded(_rasterise(svg))) == {f"(00){SSCC}",
                                              f"(02){GTIN}(17)270131(37)10(10)C-EARLY"}


def test_text_is_escaped_in_the_svg():
    svg = render_logistics_label(compose(gtin=GTIN, count=1, lot="A&B<1>"), format="svg",
                                 title='Case "1" <a>')
    assert ET.fromstring(svg).find(f"{SVG}title").text == 'Case "1" <a>'  # type: ignore[union-attr]


@pytest.mark.parametrize(("sscc", "code"), [
    ("069501234000000013", "GS1-CHECK-DIGIT"),
    ("06950123400000001", "GS1-TRUNCATED"),
    ("0695012340000000170", "GS1-TOO-LONG"),
    ("06950123400000001A", "GS1-ILLEGAL-CHARACTER"),
])
def test_a_bad_sscc_is_refused(sscc, code):
    with pytest.raises(UdiComposeError) as caught:
        compose(sscc)
    assert caught.value.code == code
    if code == "GS1-CHECK-DIGIT":
        assert caught.value.params["expected"] == "7"


@pytest.mark.parametrize("lot", ["批号1", "LOT 1", "A#1", "L" * 21, ""])
def test_a_lot_with_illegal_characters_or_length_is_refused(lot):
    with pytest.raises(UdiComposeError) as caught:
        compose(gtin=GTIN, count=1, lot=lot)
    assert caught.value.code in {"GS1-ILLEGAL-CHARACTER", "GS1-TOO-LONG", "GS1-TRUNCATED"}


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"gtin": GTIN}, "GS1-MISSING-PAIR"),  # (02) needs (37)
    ({"count": 3}, "GS1-MISSING-PAIR"),  # (37) needs (02)
    ({"lot": "A1"}, "GS1-MISSING-PAIR"),  # (10) needs a GTIN
    ({"gtin": "06901234567891", "count": 1}, "GS1-CHECK-DIGIT"),
    ({"gtin": GTIN, "count": 1, "expiry": "271332"}, "GS1-INVALID-DATE"),
    ({"gtin": GTIN, "count": 0}, "UDI-LABEL-FAILED"),
    ({"gtin": GTIN, "count": 123456789}, "GS1-TOO-LONG"),
])
def test_incomplete_or_invalid_content_is_refused(kwargs, code):
    with pytest.raises(UdiComposeError) as caught:
        compose(**kwargs)
    assert caught.value.code == code


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError):
        render_logistics_label(compose(), format="pdf")  # type: ignore[arg-type]
