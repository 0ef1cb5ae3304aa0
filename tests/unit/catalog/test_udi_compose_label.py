"""Composing GS1 UDIs and drawing GS1 DataMatrix labels, read back by a real decoder."""

import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from medtrace.standards.udi import (
    Composed,
    UdiComposeError,
    compose_gs1,
    parse_udi,
    render_label,
)
from tests.unit.catalog.udi_support import GS, TODAY

GTIN = "09506000134352"


def compose(*args, **kwargs) -> Composed:
    return compose_gs1(*args, today=TODAY, **kwargs)


def test_fixed_length_ais_first_and_a_separator_only_between_variable_fields():
    composed = compose(
        GTIN,
        lot="ABC",
        serial="123",
        expiry=date(2026, 12, 31),
        production_date=date(2025, 1, 15),
    )
    assert composed.element_string == f"01{GTIN}11250115172612311" + f"0ABC{GS}21123"
    assert composed.hri == f"(01){GTIN}(11)250115(17)261231(10)ABC(21)123"
    assert composed.elements == (
        ("01", GTIN),
        ("11", "250115"),
        ("17", "261231"),
        ("10", "ABC"),
        ("21", "123"),
    )


@pytest.mark.parametrize(
    ("kwargs", "element_string"),
    [
        ({}, f"01{GTIN}"),
        ({"lot": "L1"}, f"01{GTIN}10L1"),
        ({"serial": "S1"}, f"01{GTIN}21S1"),
        ({"expiry": "261200", "lot": "L1"}, f"01{GTIN}1726120010L1"),
    ],
)
def test_no_trailing_separator(kwargs, element_string):
    assert compose(GTIN, **kwargs).element_string == element_string


def test_short_gtins_are_padded():
    assert compose("9506000134352").elements[0] == ("01", GTIN)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"gtin": "09506000134353"}, "GS1-CHECK-DIGIT"),
        ({"gtin": "0950600013435"}, "GS1-CHECK-DIGIT"),  # 13 digits: wrong GTIN-13
        ({"gtin": "0950600013435X"}, "GS1-ILLEGAL-CHARACTER"),
        ({"gtin": "095060001343"}, "GS1-CHECK-DIGIT"),
        ({"gtin": "0950600013"}, "GS1-TRUNCATED"),
        ({"gtin": GTIN + "1"}, "GS1-TOO-LONG"),
        ({"gtin": GTIN, "lot": "L" * 21}, "GS1-TOO-LONG"),
        ({"gtin": GTIN, "lot": ""}, "GS1-TRUNCATED"),
        ({"gtin": GTIN, "lot": "A B"}, "GS1-ILLEGAL-CHARACTER"),
        ({"gtin": GTIN, "serial": "Ä1"}, "GS1-ILLEGAL-CHARACTER"),
        ({"gtin": GTIN, "expiry": "261301"}, "GS1-INVALID-DATE"),
        ({"gtin": GTIN, "expiry": date(1950, 1, 1)}, "GS1-INVALID-DATE"),
        ({"gtin": GTIN, "production_date": "250230"}, "GS1-INVALID-DATE"),
    ],
)
def test_invalid_input_raises_a_typed_value_error_with_the_parser_codes(kwargs, code):
    with pytest.raises(UdiComposeError) as caught:
        compose(**kwargs)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == code
    assert "AI (" in str(caught.value)


def test_composed_strings_parse_back_to_the_same_fields():
    composed = compose(GTIN, lot="A(B)/C", serial="S-1", expiry=date(2027, 2, 28))
    for text in (composed.element_string, "]d2" + composed.element_string, composed.hri):
        result = parse_udi(text, today=TODAY)
        assert result.errors == ()
        assert (result.gtin, result.lot, result.serial, result.expiry) == (
            GTIN,
            "A(B)/C",
            "S-1",
            date(2027, 2, 28),
        )


def _decode(png: bytes):
    image = Image.open(io.BytesIO(png))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    "composed",
    [
        compose_gs1(GTIN, lot="ABC", serial="123", expiry=date(2026, 12, 31), today=TODAY),
        compose_gs1(GTIN, today=TODAY),
        compose_gs1(GTIN, lot="A(B)%&<>", production_date="250100", today=TODAY),
    ],
)
def test_png_label_is_a_real_gs1_datamatrix(composed):
    png = render_label(composed, format="png", title="Infusion pump")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    barcode = _decode(png)
    assert barcode.bytes.decode("ascii") == composed.element_string
    assert barcode.symbology_identifier == "]d2"
    assert barcode.content_type == zxingcpp.ContentType.GS1
    assert barcode.format == zxingcpp.BarcodeFormat.DataMatrix
    assert barcode.text == composed.hri


def test_a_label_built_from_only_the_element_string():
    composed = compose(GTIN, lot="ABC", serial="123")
    bare = Composed(composed.element_string, composed.hri)
    assert _decode(render_label(bare)).bytes.decode() == composed.element_string


def test_svg_label_is_well_formed_and_carries_the_hri():
    composed = compose(GTIN, lot="A&B<C>", serial="123", expiry=date(2026, 12, 31))
    svg = render_label(composed, format="svg", title="Pump & <co>")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == [
        "Pump & <co>",
        f"(01){GTIN}",
        "(17)261231",
        "(10)A&B<C>",
        "(21)123",
    ]
    desc = root.find("{http://www.w3.org/2000/svg}desc")
    assert desc is not None and desc.text == composed.hri
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_svg_without_title_contains_the_plain_hri():
    composed = compose(GTIN, lot="ABC", serial="123")
    svg = render_label(composed, format="svg")
    assert isinstance(svg, str)
    assert composed.hri in svg


def test_unknown_label_format():
    with pytest.raises(ValueError):
        render_label(compose(GTIN), format="pdf")  # type: ignore[arg-type]
