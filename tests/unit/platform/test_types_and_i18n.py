from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medtrace.platform import i18n
from medtrace.platform.db.base import plain_decimal, to_quantity
from medtrace.platform.web.pages import local_target


def test_quantity_accepts_exact_values_and_refuses_floats_and_excess_places():
    assert to_quantity("10.5") == Decimal("10.5")
    assert to_quantity(3) == Decimal(3)
    assert to_quantity("0.000001") == Decimal("0.000001")
    with pytest.raises(TypeError):
        to_quantity(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="decimal places"):
        to_quantity("0.0000001")
    with pytest.raises(ValueError):
        to_quantity("NaN")
    with pytest.raises(ValueError):
        to_quantity("ten")


def test_plain_decimal_never_uses_exponent_notation():
    assert str(plain_decimal(Decimal("10.500000"))) == "10.5"
    assert str(plain_decimal(Decimal("100"))) == "100"
    assert str(plain_decimal(Decimal("1E+3"))) == "1000"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", ["zh_CN", "en"]),
        ("en-US,en;q=0.9", ["en"]),
        ("fr-FR, en;q=0.5, zh;q=0.7", ["zh_CN", "en"]),
        ("zh-Hans", ["zh_CN"]),
        ("de, fr", []),
        ("en;q=0, zh", ["zh_CN"]),
        ("garbage;;q=x,,", []),
        ("", []),
    ],
)
def test_accept_language_is_ordered_by_quality(header, expected):
    assert i18n.parse_accept_language(header) == expected


def test_explicit_choice_beats_browser_which_beats_default():
    assert i18n.negotiate("en", "zh-CN", "zh_CN") == "en"
    assert i18n.negotiate(None, "en-GB", "zh_CN") == "en"
    assert i18n.negotiate("xx", "de", "zh_CN") == "zh_CN"
    assert i18n.negotiate(None, None, "en") == "en"


def test_translation_into_chinese_and_english():
    assert i18n.translate("Not found.", "zh_CN") == "未找到。"
    assert i18n.translate("Not found.", "en") == "Not found."
    assert i18n.translate("No page or resource at %(path)s.", "zh_CN", path="/x") == (
        "/x 处没有页面或资源。"
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/system", "/system"),
        ("/a?b=c", "/a?b=c"),
        (None, "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("javascript:alert(1)", "/"),
        ("relative", "/"),
    ],
)
def test_language_switch_redirects_only_within_the_site(target, expected):
    assert local_target(target) == expected


def test_utc_helpers_are_timezone_aware():
    from medtrace.platform.db.base import utcnow

    assert utcnow().tzinfo is dt.UTC
