"""How temperature zones are read, and whether an item's storage range fits them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medtrace.modules.inventory.rules import Zone, parse_zone, storage_fits

D = Decimal


@pytest.mark.parametrize(("text", "zone"), [
    ("2-8C", Zone(D(2), D(8))),
    ("2 - 8 °C", Zone(D(2), D(8))),
    ("2~8℃", Zone(D(2), D(8))),
    ("15..25c", Zone(D(15), D(25))),
    ("2 to 8 C", Zone(D(2), D(8))),
    ("-25--15C", Zone(D(-25), D(-15))),
    ("-2.5-8.5", Zone(D("-2.5"), D("8.5"))),
    ("<=-20C", Zone(None, D(-20))),
    ("≤25℃", Zone(None, D(25))),
    (">=15C", Zone(D(15), None)),
])
def test_zones_are_read(text, zone):
    assert parse_zone(text) == zone


@pytest.mark.parametrize("text", ["cool", "8-2C", "2-8F", "", "2C", "--2-8", None])
def test_what_cannot_be_read_is_not_guessed(text):
    assert parse_zone(text) is None


@pytest.mark.parametrize(("zone", "low", "high", "fits"), [
    ("2-8C", D(2), D(8), True),
    ("2-8C", D(0), D(25), True),
    ("15-25C", D(2), D(8), False),
    ("0-8C", D(2), D(8), False),
    ("<=-20C", None, D(-15), True),
    ("<=-20C", D(-30), D(-15), False),  # the zone has no lower bound
    (">=15C", D(10), None, True),
    (">=15C", D(10), D(30), False),
    ("15-25C", None, None, True),
])
def test_a_storage_range_fits_when_every_zone_temperature_is_inside_it(zone, low, high, fits):
    parsed = parse_zone(zone)
    assert parsed is not None
    assert storage_fits(parsed, low, high) is fits
