"""Cycle counts on a real database: the snapshot of a subtree, blind views, counted and found
stock, variances allowing for moves during the count, approval by someone other than the
counters posting adjustment moves, rejection posting nothing, and the ledger still agreeing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medtrace.modules import inventory, traceability
from medtrace.modules.inventory import queries
from medtrace.modules.inventory.counts import errors as count_errors
from medtrace.modules.inventory.counts import service as counts
from medtrace.modules.inventory.counts.service import CountEntry
from medtrace.modules.inventory.models import Balance, StockMove
from medtrace.platform.actor import Actor
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.stock import APPROVER, COUNTER, OTHER_COUNTER, make_store, move, receive


@pytest.fixture
def store(db):  # type: ignore[no-untyped-def]
    ids = make_store(db)
    receive(db, ids["cath"], 10, "A-01", lot_id=ids["C-1"])
    receive(db, ids["cath"], 5, "A-02", lot_id=ids["C-2"])
    receive(db, ids["gauze"], 20, "A-02")
    receive(db, ids["pump"], 1, "A-01", unit_id=ids["SN-1"])
    receive(db, ids["vacc"], 8, "C-01", lot_id=ids["V-1"])
    return ids


def _as(db, actor):  # type: ignore[no-untyped-def]
    return UnitOfWork(db, context={"actor": actor})


def _sheet(db, location="AZ", **kw):  # type: ignore[no-untyped-def]
    with _as(db, APPROVER) as uow:
        sheet = counts.create_count_sheet(uow, location=location, **kw)
        counts.start_counting(uow, sheet.id)
        return sheet.id


def _lines(db, sheet_id):  # type: ignore[no-untyped-def]
    """{(location, item, lot or serial): line id} of the blind view."""
    with UnitOfWork(db, write=False) as uow:
        view = counts.blind_view(uow, counts.get_count_sheet_or_raise(uow, sheet_id))
    return {(x["location"], x["item"], x["lot"] or x["serial"]): x["id"] for x in view["lines"]}


def _count(db, sheet_id, entries, actor=COUNTER):  # type: ignore[no-untyped-def]
    with _as(db, actor) as uow:
        counts.enter_counts(uow, sheet_id, entries)


def _submit(db, sheet_id, actor=COUNTER):  # type: ignore[no-untyped-def]
    with _as(db, actor) as uow:
        counts.submit_count_sheet(uow, sheet_id)


def _review(db, sheet_id):  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        view = counts.review_view(uow, counts.get_count_sheet_or_raise(uow, sheet_id))
    return view, {(x["location"], x["item"], x["lot"] or x["serial"]): x for x in view["lines"]}


def _on_hand(db, location, item_id, thing_key=0):  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        loc = inventory.get_location_or_raise(uow, location)
        row = uow.session.scalars(select(Balance).where(
            Balance.location_id == loc.id, Balance.item_id == item_id,
            Balance.thing_key == thing_key)).first()
        return row.quantity if row else Decimal(0)


def _move_count(db) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(StockMove))


def test_a_sheet_snapshots_its_subtree_and_counters_never_see_expected_quantities(db, store):
    sheet_id = _sheet(db)
    assert set(_lines(db, sheet_id)) == {("A-01", "CATH", "C-1"), ("A-01", "PUMP", "SN-1"),
                                         ("A-02", "CATH", "C-2"), ("A-02", "GAUZE", None)}
    with UnitOfWork(db, write=False) as uow:
        sheet = counts.get_count_sheet_or_raise(uow, sheet_id)
        view = counts.blind_view(uow, sheet)
        assert view["status"] == "counting" and view["number"] == f"CNT-{sheet_id:06d}"
        text = json.dumps(view)
        assert "expected" not in text and "book" not in text and "variance" not in text
        with pytest.raises(count_errors.CountStatusRefused):
            counts.review_view(uow, sheet)  # nobody sees expected quantities while counting
    only = _sheet(db, "WH1", item_ids=[store["vacc"]])
    assert set(_lines(db, only)) == {("C-01", "VACC", "V-1")}


def test_variances_are_posted_as_adjustments_once_someone_else_approves(db, store):
    sheet_id = _sheet(db)
    lines = _lines(db, sheet_id)
    _count(db, sheet_id, [
        CountEntry(line_id=lines[("A-01", "CATH", "C-1")], quantity=Decimal(8)),
        CountEntry(line_id=lines[("A-02", "CATH", "C-2")], quantity=Decimal(5)),
        CountEntry(line_id=lines[("A-01", "PUMP", "SN-1")], quantity=Decimal(0)),
        # found: a lot that was not on the sheet, and a serial unit nobody had booked
        CountEntry(location="A-02", item_id=store["cath"], lot_id=store["C-1"],
                   quantity=Decimal(3)),
        CountEntry(location="A-02", item_id=store["pump"], unit_id=store["SN-2"],
                   quantity=Decimal(1)),
    ])
    _count(db, sheet_id, [CountEntry(line_id=lines[("A-02", "GAUZE", None)],
                                     quantity=Decimal(22))], OTHER_COUNTER)
    _submit(db, sheet_id)
    view, by_key = _review(db, sheet_id)
    assert view["status"] == "submitted" and view["summary"]["with_variance"] == 5
    assert {k: (x["expected"], x["counted"], x["variance"], x["found"])
            for k, x in by_key.items()} == {
        ("A-01", "CATH", "C-1"): ("10", "8", "-2", False),
        ("A-02", "CATH", "C-2"): ("5", "5", "0", False),
        ("A-01", "PUMP", "SN-1"): ("1", "0", "-1", False),
        ("A-02", "CATH", "C-1"): ("0", "3", "3", True),
        ("A-02", "PUMP", "SN-2"): ("0", "1", "1", True),
        ("A-02", "GAUZE", None): ("20", "22", "2", False),
    }
    before = _move_count(db)
    with _as(db, APPROVER) as uow:
        counts.approve_count_sheet(uow, sheet_id, reason="annual stocktake 2026")
    assert _move_count(db) == before + 5
    assert _on_hand(db, "A-01", store["cath"], store["C-1"]) == 8
    assert _on_hand(db, "A-02", store["cath"], store["C-1"]) == 3
    assert _on_hand(db, "A-01", store["pump"], store["SN-1"]) == 0
    assert _on_hand(db, "A-02", store["pump"], store["SN-2"]) == 1
    assert _on_hand(db, "A-02", store["gauze"]) == 22
    with UnitOfWork(db, write=False) as uow:
        assert queries.reconcile(uow) == []
        posted = list(uow.session.scalars(select(StockMove).where(
            StockMove.doc == f"CNT-{sheet_id:06d}")))
        assert len(posted) == 5
        assert {m.purpose for m in posted} == {"adjustment"}
        assert {m.reason_code for m in posted} == {"count"}
        assert {m.note for m in posted} == {"annual stocktake 2026"}
        assert {m.actor for m in posted} == {APPROVER.key}
        view, by_key = _review(db, sheet_id)
        assert view["status"] == "approved" and view["decided_by"] == APPROVER.key
        assert by_key[("A-02", "CATH", "C-2")]["adjustment_move_id"] is None
        assert by_key[("A-01", "CATH", "C-1")]["adjustment_move_id"] in {m.id for m in posted}
        # the journal tells the lot's story, the audit trail who approved and why
        lot = traceability.get_object_or_raise(uow, store["C-1"])
        steps = [e["step"] for e in traceability.timeline(uow, lot)["events"]]
        assert steps.count("observed") == 2
        entry = uow.session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "inventory_count_sheet",
            AuditEntry.entity_id == str(sheet_id)).order_by(AuditEntry.id.desc())).first()
        assert entry.reason == "annual stocktake 2026" and entry.actor_name == "approver"
        assert entry.changes["status"] == {"old": "submitted", "new": "approved"}


def test_moves_during_the_count_are_allowed_for(db, store):
    sheet_id = _sheet(db, "A-01", item_ids=[store["cath"]])
    line = _lines(db, sheet_id)[("A-01", "CATH", "C-1")]
    # before counting: 3 leave the bin; the counter finds the 7 left and one missing (6)
    move(db, store["cath"], 3, "A-01", "A-02", lot_id=store["C-1"])
    _count(db, sheet_id, [CountEntry(line_id=line, quantity=Decimal(6))])
    # after counting, 2 more leave: not part of the variance
    move(db, store["cath"], 2, "A-01", "V-CUS", lot_id=store["C-1"], purpose="ship")
    _submit(db, sheet_id)
    _, by_key = _review(db, sheet_id)
    assert (by_key[("A-01", "CATH", "C-1")]["expected"], by_key[("A-01", "CATH", "C-1")]["book"],
            by_key[("A-01", "CATH", "C-1")]["variance"]) == ("10", "7", "-1")
    with _as(db, APPROVER) as uow:
        counts.approve_count_sheet(uow, sheet_id, reason="cycle count")
    assert _on_hand(db, "A-01", store["cath"], store["C-1"]) == 4  # 10 - 3 - 2 - 1
    with UnitOfWork(db, write=False) as uow:
        assert queries.reconcile(uow) == []


def test_counters_and_the_submitter_cannot_approve_and_only_people_approve(db, store):
    sheet_id = _sheet(db, "C-01")
    line = _lines(db, sheet_id)[("C-01", "VACC", "V-1")]
    _count(db, sheet_id, [CountEntry(line_id=line, quantity=Decimal(7))])
    _submit(db, sheet_id, actor=OTHER_COUNTER)
    for actor in (COUNTER, OTHER_COUNTER, Actor("client", 5, "wms"), None):
        with pytest.raises(count_errors.CountApprovalRefused), \
                UnitOfWork(db, context={"actor": actor} if actor else {}) as uow:
            counts.approve_count_sheet(uow, sheet_id, reason="self")
    with pytest.raises(count_errors.CountInvalid), _as(db, APPROVER) as uow:
        counts.approve_count_sheet(uow, sheet_id, reason="  ")
    assert _on_hand(db, "C-01", store["vacc"], store["V-1"]) == 8
    with _as(db, APPROVER) as uow:
        counts.approve_count_sheet(uow, sheet_id, reason="one vial broken")
    assert _on_hand(db, "C-01", store["vacc"], store["V-1"]) == 7


def test_a_rejected_sheet_posts_nothing_and_is_closed(db, store):
    sheet_id = _sheet(db)
    lines = _lines(db, sheet_id)
    _count(db, sheet_id, [CountEntry(line_id=i, quantity=Decimal(0)) for i in lines.values()])
    _submit(db, sheet_id)
    before = _move_count(db)
    with _as(db, APPROVER) as uow:
        counts.reject_count_sheet(uow, sheet_id, reason="counted the wrong aisle")
    assert _move_count(db) == before
    assert _on_hand(db, "A-01", store["cath"], store["C-1"]) == 10
    view, _ = _review(db, sheet_id)
    assert view["status"] == "rejected" and view["decision_reason"] == "counted the wrong aisle"
    with pytest.raises(count_errors.CountStatusRefused), _as(db, APPROVER) as uow:
        counts.approve_count_sheet(uow, sheet_id, reason="after all")
    with pytest.raises(count_errors.CountStatusRefused), _as(db, COUNTER) as uow:
        counts.enter_counts(uow, sheet_id, [CountEntry(line_id=next(iter(lines.values())),
                                                       quantity=Decimal(1))])


def test_the_statuses_are_followed_in_order(db, store):
    with _as(db, APPROVER) as uow:
        sheet_id = counts.create_count_sheet(uow, location="A-02").id
    line = next(iter(_lines(db, sheet_id).values()))
    with pytest.raises(count_errors.CountStatusRefused), _as(db, COUNTER) as uow:
        counts.enter_counts(uow, sheet_id, [CountEntry(line_id=line, quantity=Decimal(1))])
    with pytest.raises(count_errors.CountStatusRefused), _as(db, COUNTER) as uow:
        counts.submit_count_sheet(uow, sheet_id)
    with _as(db, APPROVER) as uow:
        counts.start_counting(uow, sheet_id)
    with pytest.raises(count_errors.CountStatusRefused), _as(db, APPROVER) as uow:
        counts.start_counting(uow, sheet_id)
    with pytest.raises(count_errors.CountIncomplete) as incomplete, _as(db, COUNTER) as uow:
        counts.submit_count_sheet(uow, sheet_id)
    assert len(incomplete.value.extra["lines"]) == 2
    with pytest.raises(count_errors.CountStatusRefused), _as(db, APPROVER) as uow:
        counts.approve_count_sheet(uow, sheet_id, reason="too early")
    with pytest.raises(count_errors.CountInvalid), _as(db, APPROVER) as uow:
        counts.create_count_sheet(uow, location="V-ADJ")


@pytest.mark.parametrize(("entry", "field"), [
    ({"location": "A-01", "item_id": "cath", "lot_id": "C-1", "quantity": "-1"},
     "entries[0].quantity"),
    ({"location": "A-01", "item_id": "gauze", "quantity": "1.5"}, "entries[0].quantity"),
    ({"location": "A-01", "item_id": "cath", "quantity": "1"}, "entries[0].lot_id"),
    ({"location": "C-01", "item_id": "gauze", "quantity": "1"}, "entries[0].location"),
    ({"location": "V-SUP", "item_id": "gauze", "quantity": "1"}, "entries[0].location"),
    ({"location": "A-01", "item_id": "pump", "unit_id": "SN-2", "quantity": "2"},
     "entries[0].quantity"),
    ({"location": "A-01", "item_id": "cath", "lot_id": "V-1", "quantity": "1"},
     "entries[0].lot_id"),
    ({"line_id": 999999, "quantity": "1"}, "entries[0].line_id"),
])
def test_invalid_counts_are_refused_with_the_field(db, store, entry, field):
    sheet_id = _sheet(db)
    named = {k: store[v] if k in ("item_id", "lot_id", "unit_id") else v
             for k, v in entry.items()}
    named["quantity"] = Decimal(entry["quantity"])
    with pytest.raises(count_errors.CountInvalid) as refused, _as(db, COUNTER) as uow:
        counts.enter_counts(uow, sheet_id, [CountEntry(**named)])
    assert [e["field"] for e in refused.value.errors] == [field]


def test_an_item_outside_the_sheets_items_is_refused(db, store):
    sheet_id = _sheet(db, "WH1", item_ids=[store["vacc"]])
    with pytest.raises(count_errors.CountInvalid) as refused, _as(db, COUNTER) as uow:
        counts.enter_counts(uow, sheet_id, [CountEntry(location="A-01", item_id=store["gauze"],
                                                       quantity=Decimal(1))])
    assert refused.value.errors[0]["field"] == "entries[0].item_id"


def test_a_loss_larger_than_what_is_left_refuses_the_whole_approval(db, store):
    sheet_id = _sheet(db, "A-02", item_ids=[store["gauze"]])
    line = _lines(db, sheet_id)[("A-02", "GAUZE", None)]
    _count(db, sheet_id, [CountEntry(line_id=line, quantity=Decimal(5))])  # 15 missing
    move(db, store["gauze"], 10, "A-02", "A-01")  # moved away after counting: 10 left
    _submit(db, sheet_id)
    before = _move_count(db)
    with pytest.raises(inventory.InsufficientStock), _as(db, APPROVER) as uow:
        counts.approve_count_sheet(uow, sheet_id, reason="stocktake")
    assert _move_count(db) == before
    with UnitOfWork(db, write=False) as uow:
        assert counts.get_count_sheet_or_raise(uow, sheet_id).status == "submitted"
