"""Numbering rules on a real database: issuing, period resets, rollbacks, fallbacks, exhaustion,
refused rules, previews that consume nothing, the audit trail of rule changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from medtrace.platform import i18n, numbering
from medtrace.platform.audit import history_for
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.numbering import (
    NoNumberingRule,
    NumberingCounter,
    NumberingExhausted,
    NumberingRuleInvalid,
    NumberingRuleNotFound,
)

numbering.register_kind("tests.thing", "Test things")
DAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def english():
    """Refusals are checked in English here (the default UI language is Chinese)."""
    before = i18n.current_locale()
    i18n.set_locale("en")
    yield
    i18n.set_locale(before)


def test_refusals_speak_the_users_language(db):
    with pytest.raises(NumberingRuleInvalid) as caught, UnitOfWork(db) as uow:
        i18n.set_locale("zh_CN")
        numbering.save_rule(uow, scope="tests.thing", pattern="{SEQ:30}")
    assert [e["message"] for e in caught.value.errors] == [
        "流水号为 1 至 12 位数字", "编号将有 30 个字符，最多允许 20 个"]


def define(db, scope="tests.thing", pattern="T{YY}{SEQ:3}", **kw):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        return numbering.save_rule(uow, scope=scope, pattern=pattern, **kw).id


def take(db, scope="tests.thing", day=DAY, **kw) -> str:  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        return numbering.next_number(uow, scope, today=day, **kw)


def counters(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return {c.period: c.value for c in uow.session.scalars(select(NumberingCounter))}


def test_numbers_follow_the_sequence_and_restart_each_year(db):
    define(db, reset="yearly")
    assert [take(db) for _ in range(3)] == ["T26001", "T26002", "T26003"]
    assert take(db, day=dt.date(2026, 12, 31)) == "T26004"
    assert take(db, day=dt.date(2027, 1, 1)) == "T27001"
    assert counters(db) == {"2026": 4, "2027": 1}


@pytest.mark.parametrize(("reset", "pattern", "days", "expected"), [
    ("never", "N{SEQ:4}", [DAY, dt.date(2027, 5, 1)], ["N0001", "N0002"]),
    ("monthly", "M{YY}{MM}{SEQ:2}", [DAY, dt.date(2026, 11, 30), dt.date(2026, 12, 1)],
     ["M261101", "M261102", "M261201"]),
    ("daily", "D{YYDDD}{SEQ:2}", [DAY, DAY, dt.date(2026, 11, 23)],
     ["D2632601", "D2632602", "D2632701"]),
])
def test_each_reset_period_has_its_own_counter(db, reset, pattern, days, expected):
    define(db, pattern=pattern, reset=reset)
    assert [take(db, day=day) for day in days] == expected


def test_a_rolled_back_unit_of_work_consumes_no_number(db):
    define(db)
    assert take(db) == "T26001"
    with pytest.raises(RuntimeError), UnitOfWork(db) as uow:
        assert numbering.next_number(uow, "tests.thing", today=DAY) == "T26002"
        raise RuntimeError("the caller's action failed")
    assert take(db) == "T26002"  # not a gap: the failed action never had it


def test_several_numbers_in_one_unit_of_work_follow_each_other(db):
    define(db)
    with UnitOfWork(db) as uow:
        taken = [numbering.next_number(uow, "tests.thing", today=DAY) for _ in range(3)]
    assert taken == ["T26001", "T26002", "T26003"]


def test_the_narrow_scope_wins_and_an_inactive_rule_falls_back_to_the_default(db):
    define(db, pattern="D{SEQ:3}")
    define(db, scope="tests.thing:item:7", pattern="I7-{SEQ:3}")
    assert take(db, "tests.thing:item:7", fallback="tests.thing") == "I7-001"
    assert take(db, "tests.thing:item:8", fallback="tests.thing") == "D001"
    define(db, scope="tests.thing:item:7", pattern="I7-{SEQ:3}", active=False)
    assert take(db, "tests.thing:item:7", fallback=["tests.thing"]) == "D002"
    with pytest.raises(NoNumberingRule, match=r"tests\.thing:item:7"):
        take(db, "tests.thing:item:7")


def test_without_any_rule_nothing_is_issued(db):
    with pytest.raises(NoNumberingRule) as caught:
        take(db, "tests.thing:item:1", fallback="tests.thing")
    assert caught.value.code == "MT-NUMBERING-NO-RULE"


def test_an_exhausted_sequence_is_refused_until_the_next_period(db):
    define(db, pattern="{YYMMDD}{SEQ:1}", reset="daily")
    assert [take(db) for _ in range(9)][-1] == "2611229"
    with pytest.raises(NumberingExhausted) as caught:
        take(db)
    assert caught.value.code == "MT-NUMBERING-EXHAUSTED" and caught.value.status == 409
    assert take(db, day=dt.date(2026, 11, 23)) == "2611231"


def test_numbers_the_caller_already_uses_are_passed_over(db):
    define(db)
    used = {"T26001", "T26002"}
    assert take(db, skip=used.__contains__) == "T26003"
    assert take(db) == "T26004"


def test_numbers_are_issued_only_in_a_writing_unit_of_work(db):
    define(db)
    with pytest.raises(RuntimeError), UnitOfWork(db, write=False) as uow:
        numbering.next_number(uow, "tests.thing", today=DAY)


def test_a_check_character_is_appended(db):
    define(db, pattern="A12425GABC{SEQ:7}", check="iso7064_mod37_36")
    define(db, scope="tests.thing:gs1", pattern="629104150{SEQ:3}", check="gs1_mod10")
    with UnitOfWork(db) as uow:
        uow.session.execute(NumberingCounter.__table__.insert().values(
            rule_id=numbering.get_rule(uow, "tests.thing").id, period="all", value=1234001,
            updated_at=uow.now()))
    assert take(db) == "A12425GABC1234002M"
    assert take(db, "tests.thing:gs1") == "6291041500015"


@pytest.mark.parametrize(("scope", "pattern", "field", "words"), [
    ("tests.unknown", "T{SEQ:3}", "scope", "unknown kind tests.unknown"),
    ("Tests Thing", "T{SEQ:3}", "scope", "a kind such as"),
    ("tests.thing:item 7", "T{SEQ:3}", "scope", "a kind such as"),
    ("tests.thing", "LOT-{YYMMDD}-{SEQ:9}-X", "pattern", "22 characters"),
    ("tests.thing", "批{SEQ:3}", "pattern", "GS1 character set 82"),
])
def test_bad_rules_are_refused_when_saved(db, scope, pattern, field, words):
    with pytest.raises(NumberingRuleInvalid) as caught, UnitOfWork(db) as uow:
        numbering.save_rule(uow, scope=scope, pattern=pattern)
    assert caught.value.code == "MT-NUMBERING-RULE-INVALID"
    assert any(e["field"] == field and words in e["message"] for e in caught.value.errors), \
        caught.value.errors
    with UnitOfWork(db, write=False) as uow:
        assert numbering.list_rules(uow) == ([], 0)


def test_a_changed_pattern_goes_on_with_the_counter_but_the_reset_period_stays(db):
    define(db, pattern="T{YY}{SEQ:3}", reset="yearly")
    assert take(db) == "T26001"
    define(db, pattern="U{YYYY}{SEQ:4}", reset="yearly")
    assert take(db) == "U20260002"
    with pytest.raises(NumberingRuleInvalid, match="reset period cannot change"), \
            UnitOfWork(db) as uow:
        numbering.save_rule(uow, scope="tests.thing", pattern="U{YYMMDD}{SEQ:4}",
                            reset="daily")


def test_a_narrower_sequence_than_already_issued_is_refused(db):
    define(db, pattern="T{SEQ:3}")
    for _ in range(12):
        take(db)
    with pytest.raises(NumberingRuleInvalid, match="already at 12"), UnitOfWork(db) as uow:
        numbering.save_rule(uow, scope="tests.thing", pattern="T{SEQ:1}")
    define(db, pattern="T{SEQ:2}")
    assert take(db) == "T13"


def test_a_preview_issues_nothing(db):
    define(db, pattern="P{YYMMDD}{SEQ:2}", reset="daily")
    take(db)
    with UnitOfWork(db, write=False) as uow:
        shown = numbering.preview(uow, scope="tests.thing", count=3, today=DAY)
        draft = numbering.preview(uow, scope="tests.thing", pattern="Q{YYMMDD}{SEQ:2}",
                                  reset="daily", count=2, today=DAY)
        fresh = numbering.preview(uow, pattern="{SEQ:1}", count=12, today=DAY)
        with pytest.raises(NumberingRuleNotFound):
            numbering.preview(uow, scope="tests.thing:none", today=DAY)
        with pytest.raises(NumberingRuleInvalid):
            numbering.preview(uow, pattern="{SEQ:1}{SEQ:1}", today=DAY)
    assert shown.numbers == ["P26112202", "P26112203", "P26112204"]
    assert shown.period == "2026-11-22" and not shown.exhausted
    assert draft.numbers == ["Q26112202", "Q26112203"]  # the draft goes on from the counter
    assert fresh.numbers == [str(n) for n in range(1, 10)] and fresh.exhausted
    assert take(db) == "P26112202"


def test_rule_changes_are_audited(db):
    rule_id = define(db, description="first")
    define(db, pattern="T{YYYY}{SEQ:3}", description="second")
    with UnitOfWork(db, write=False) as uow:
        rule = numbering.get_rule_or_raise(uow, rule_id)
        history = history_for(uow, rule)
    assert [e.action for e in history] == ["numbering.rule.create", "numbering.rule.update"]
    assert history[-1].entity_ref == "tests.thing"
    assert history[-1].changes["pattern"] == {"old": "T{YY}{SEQ:3}", "new": "T{YYYY}{SEQ:3}"}
