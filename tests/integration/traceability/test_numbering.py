"""Lots and serial units numbered by the item's rule, else the default rule of the kind."""

from __future__ import annotations

import pytest

from medtrace.modules import traceability as tr
from medtrace.platform import numbering
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.numbering import NoNumberingRule
from medtrace.platform.numbering.pattern import check_character
from tests.factories.clock import plant_today
from tests.factories.trace import lot, make_item, unit


def define(db, scope: str, pattern: str, **kw) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        numbering.save_rule(uow, scope=scope, pattern=pattern, **kw)


def test_a_lot_without_a_number_takes_the_items_rule_else_the_default(db):
    stent = make_item(db, "STENT", tracking="lot")
    glue = make_item(db, "GLUE", tracking="lot")
    define(db, "traceability.lot", "L{YYMMDD}{SEQ:3}", reset="daily")
    define(db, f"traceability.lot:item:{stent}", "ST{YY}{SEQ:4}", reset="yearly")
    today = plant_today()
    with UnitOfWork(db) as uow:
        first = tr.create_lot(uow, item_id=stent, quantity="10")
        second = tr.create_lot(uow, item_id=stent)
        other = tr.create_lot(uow, item_id=glue)
        typed = tr.create_lot(uow, item_id=glue, number="HAND-1")
    assert (first.code, second.code) == (f"ST{today:%y}0001", f"ST{today:%y}0002")
    assert other.code == f"L{today:%y%m%d}001"
    assert typed.code == "HAND-1"  # an entered number is kept and consumes nothing
    with UnitOfWork(db) as uow:
        assert tr.create_lot(uow, item_id=glue).code == f"L{today:%y%m%d}002"


def test_a_serial_without_a_number_takes_the_serial_rule(db):
    pump = make_item(db, "PUMP", tracking="serial")
    define(db, "traceability.serial", "SN{SEQ:6}", check="iso7064_mod37_36")
    with UnitOfWork(db) as uow:
        serials = [tr.create_unit(uow, item_id=pump).code for _ in range(2)]
    assert serials == [f"SN00000{n}" + check_character("iso7064_mod37_36", f"SN00000{n}")
                       for n in (1, 2)]


def test_a_number_already_entered_by_hand_is_passed_over(db):
    pump = make_item(db, "PUMP", tracking="serial")
    define(db, "traceability.serial", "P{SEQ:3}")
    with UnitOfWork(db) as uow:
        unit(uow, pump, "P001")
        unit(uow, pump, "P002")
        assert tr.create_unit(uow, item_id=pump).code == "P003"


def test_without_a_rule_the_number_must_be_entered(db):
    stent = make_item(db, "STENT", tracking="lot")
    with pytest.raises(NoNumberingRule, match=f"traceability.lot:item:{stent}"), \
            UnitOfWork(db) as uow:
        tr.create_lot(uow, item_id=stent)
    with UnitOfWork(db) as uow:
        assert lot(uow, stent, "L-1").code == "L-1"


def test_a_refused_lot_gives_its_number_back(db):
    stent = make_item(db, "STENT", tracking="lot")
    define(db, "traceability.lot", "L{SEQ:3}")
    with pytest.raises(tr.TraceInvalid), UnitOfWork(db) as uow:
        tr.create_lot(uow, item_id=stent, quantity="-1")
    with UnitOfWork(db) as uow:
        assert tr.create_lot(uow, item_id=stent).code == "L001"
