"""Numbering patterns: every part, periods, check characters (published vectors), refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from medtrace.platform.numbering.pattern import (
    GS1_CHARSET_82,
    PatternInvalid,
    check_character,
    parse,
    period_key,
)

DAY = dt.date(2026, 11, 22)  # day 326 of 2026


@pytest.mark.parametrize(("template", "expected"), [
    ("{YYYY}{SEQ:3}", "2026007"),
    ("{YY}{SEQ:3}", "26007"),
    ("{MM}{SEQ:3}", "11007"),
    ("{DD}{SEQ:3}", "22007"),
    ("{YYMMDD}{SEQ:3}", "261122007"),
    ("{YYDDD}{SEQ:3}", "26326007"),
    ("L{YYMMDD}-{SEQ:4}/A", "L261122-0007/A"),
    ("{SEQ:1}", "7"),
    ("SN{SEQ:12}", "SN000000000007"),
])
def test_every_part_is_formatted(template, expected):
    assert parse(template).format(DAY, 7) == expected


def test_dates_are_zero_padded_and_the_julian_day_has_three_digits():
    pattern = parse("{YYYY}{YY}{MM}{DD}{YYDDD}{SEQ:2}")
    assert pattern.format(dt.date(2009, 1, 5), 1) == "2009" "09" "01" "05" "09005" "01"
    assert parse("{YYDDD}{SEQ:1}").format(dt.date(2024, 12, 31), 1) == "243661"  # leap year


def test_every_number_has_the_pattern_length_and_the_capacity_follows_the_width():
    pattern = parse("AB{YYMMDD}{SEQ:4}", "daily", "iso7064_mod37_36")
    assert pattern.length == 2 + 6 + 4 + 1 == len(pattern.format(DAY, 1))
    assert pattern.capacity == 9999
    assert pattern.format(DAY, 9999).startswith("AB2611229999")
    with pytest.raises(ValueError):
        pattern.format(DAY, 10000)
    with pytest.raises(ValueError):
        pattern.format(DAY, 0)


def test_period_keys_change_when_the_sequence_restarts():
    assert period_key("never", DAY) == period_key("never", dt.date(1999, 1, 1)) == "all"
    assert period_key("yearly", DAY) == "2026" == period_key("yearly", dt.date(2026, 1, 1))
    assert period_key("monthly", DAY) == "2026-11" != period_key("monthly", dt.date(2026, 12, 1))
    assert period_key("daily", DAY) == "2026-11-22" != period_key("daily", dt.date(2026, 11, 23))
    assert parse("{YY}{SEQ:3}", "yearly").period(DAY) == "2026"


# Published vectors. GS1 mod 10: the GS1 General Specifications' SSCC (00)106141411234567897,
# the GS1 check-digit calculator's GTIN-13 6291041500213, the UPC-A 036000291452.
# ISO 7064 MOD 37,36: the GRid standard's A1-2425G-ABC1234002-M and the ISAN (ISO 15706)
# 0000-0000-D07A-0090-Q.
@pytest.mark.parametrize(("kind", "body", "check"), [
    ("gs1_mod10", "10614141123456789", "7"),
    ("gs1_mod10", "629104150021", "3"),
    ("gs1_mod10", "03600029145", "2"),
    ("iso7064_mod37_36", "A12425GABC1234002", "M"),
    ("iso7064_mod37_36", "00000000D07A0090", "Q"),
    ("none", "ABC", ""),
])
def test_check_characters_match_published_vectors(kind, body, check):
    assert check_character(kind, body) == check


def test_the_check_character_is_appended_over_the_whole_number():
    assert parse("6291041{SEQ:5}", check="gs1_mod10").format(DAY, 50021) == "6291041500213"
    assert parse("A12425GABC{SEQ:7}", check="iso7064_mod37_36").format(
        DAY, 1234002) == "A12425GABC1234002M"


def _problems(template, reset="never", check="none"):
    with pytest.raises(PatternInvalid) as caught:
        parse(template, reset, check)
    return [(p.field, p.message % p.params if p.params else p.message)
            for p in caught.value.problems]


@pytest.mark.parametrize(("template", "reset", "check", "field", "words"), [
    ("", "never", "none", "pattern", "empty"),
    ("LOT", "never", "none", "pattern", "exactly one {SEQ:n}"),
    ("{SEQ:3}{SEQ:3}", "never", "none", "pattern", "exactly one {SEQ:n}"),
    ("{SEQ:0}", "never", "none", "pattern", "1 to 12 digits"),
    ("{SEQ:13}", "never", "none", "pattern", "1 to 12 digits"),
    ("{SEQ}", "never", "none", "pattern", "unknown part {SEQ}"),
    ("{yy}{SEQ:3}", "never", "none", "pattern", "unknown part {yy}"),
    ("L{SEQ:3", "never", "none", "pattern", "without its"),
    ("L}{SEQ:3}", "never", "none", "pattern", "without its"),
    ("批号{SEQ:3}", "never", "none", "pattern", "not in GS1 character set 82"),
    ("L {SEQ:3}", "never", "none", "pattern", "not in GS1 character set 82"),
    ("L#{SEQ:3}", "never", "none", "pattern", "#: not in GS1"),
    ("LOT-{YYYYY}{SEQ:3}", "never", "none", "pattern", "unknown part"),
    ("ABCDEFGHIJ{SEQ:11}", "never", "none", "pattern", "21 characters"),
    ("ABCDEFGHIJ{SEQ:10}", "never", "gs1_mod10", "pattern", "21 characters"),
    ("{YYYY}{MM}{DD}{YYMMDD}{SEQ:7}", "never", "none", "pattern", "21 characters"),
    ("{MM}{SEQ:3}", "yearly", "none", "pattern", "restart every year must show the year"),
    ("{YY}{SEQ:3}", "monthly", "none", "pattern", "restart every month"),
    ("{YYYY}{DD}{SEQ:3}", "daily", "none", "pattern", "restart every day"),
    ("L{YYMMDD}{SEQ:3}", "never", "gs1_mod10", "check", "digits only"),
    ("l{SEQ:3}", "never", "iso7064_mod37_36", "check", "A to Z"),
    ("L-{SEQ:3}", "never", "iso7064_mod37_36", "check", "A to Z"),
    ("{SEQ:3}", "weekly", "none", "reset", "is not one of the choices offered"),
    ("{SEQ:3}", "never", "luhn", "check", "is not one of the choices offered"),
])
def test_bad_patterns_are_refused_naming_the_problem(template, reset, check, field, words):
    problems = _problems(template, reset, check)
    assert any(f == field and words in message for f, message in problems), problems


def test_refusals_list_every_problem_at_once():
    problems = _problems("批号{MM}{SEQ:20}", "yearly", "gs1_mod10")
    assert {field for field, _ in problems} == {"pattern", "check"}
    assert len(problems) >= 4


@pytest.mark.parametrize(("template", "reset"), [
    ("{YYYY}{SEQ:3}", "yearly"), ("{YY}{SEQ:3}", "yearly"), ("{YYMMDD}{SEQ:3}", "yearly"),
    ("{YYDDD}{SEQ:3}", "yearly"), ("{YY}{MM}{SEQ:3}", "monthly"), ("{MM}{YYYY}{SEQ:3}", "monthly"),
    ("{YYMMDD}{SEQ:3}", "monthly"), ("{YYDDD}{SEQ:3}", "monthly"), ("{YYMMDD}{SEQ:3}", "daily"),
    ("{YYDDD}{SEQ:3}", "daily"), ("{YY}{MM}{DD}{SEQ:3}", "daily"), ("{DD}{SEQ:3}", "never"),
])
def test_a_resetting_pattern_shows_the_dates_that_tell_its_periods_apart(template, reset):
    assert parse(template, reset).reset == reset


def test_the_longest_allowed_numbers_have_twenty_characters_of_set_82():
    pattern = parse("!\"%&'()*+,-./:;<=>?{SEQ:1}")
    assert pattern.length == 20
    number = pattern.format(DAY, 1)
    assert len(number) == 20 and set(number) <= GS1_CHARSET_82
    assert parse("{YYYY}{MM}{DD}{SEQ:11}", "daily", "gs1_mod10").length == 20
