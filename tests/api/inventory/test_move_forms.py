"""The transfer, adjustment and reversal forms through real HTTP: a scan (or a code) names the
item, lot and serial; a transfer that goes through, ones refused for stock that is not there or
may not be released to available stock, in the user's language next to the form; adjustments
only with their permission and a reason; reversals; CSRF."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from medtrace.modules.inventory import queries
from medtrace.modules.inventory.models import StockMove
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import csrf_from


def _on_hand(db, location: str, lot: str | None = None) -> dict[str, Decimal]:
    """What the location itself holds (not the places below it)."""
    from medtrace.modules import inventory

    with UnitOfWork(db, write=False) as uow:
        rows, _ = queries.balances(uow, queries.BalanceFilter(
            location=inventory.get_location_or_raise(uow, location)))
        return {r["lot"] or r["serial"] or r["item"]: Decimal(r["quantity"]) for r in rows
                if r["location"] == location and (lot is None or r["lot"] == lot)}


def _post(client, path: str, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(path).text)
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def _form(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</form>", 1)[0]


def test_the_transfer_form_is_scan_first_and_fits_a_handheld(keeper, store):
    page = keeper.get("/inventory/transfer")
    assert page.status_code == 200
    form = _form(page.text, "transfer-form")
    assert re.search(r'<input name="item" [^>]*required autofocus[^>]*data-scan="item_code"',
                     form)
    assert 'data-scan-fill="lot"' in form and 'data-scan-fill="serial"' in form
    assert 'name="from_location"' in form and 'list="inventory-places"' in form
    assert 'href="/static/css/inventory.css"' in page.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    assert "<script>" not in page.text and " style=" not in page.text
    assert keeper.get("/static/css/inventory.css").status_code == 200
    assert "max-width: 480px" in keeper.get("/static/css/inventory.css").text
    assert keeper.get("/static/js/inventory.js").status_code == 200


def test_a_transfer_is_posted_and_the_next_one_keeps_the_places(keeper, store, db):
    answer = _post(keeper, "/inventory/transfer", item="CATH", lot="C-NEW",
                   from_location="A-01", to_location="a-02", quantity="20", uom="",
                   purpose="transfer")
    assert answer.status_code == 303, answer.text
    target = answer.headers["location"]
    assert target.startswith("/inventory/transfer?from_location=A-01&to_location=a-02"
                             "&purpose=transfer&done=")
    assert _on_hand(db, "A-01")["C-NEW"] == 30 and _on_hand(db, "A-02")["C-NEW"] == 20
    page = keeper.get(target)
    posted = page.text.split('data-testid="posted"', 1)[1].split("</p>", 1)[0]
    assert "20 CATH C-NEW · A-01 → A-02" in posted
    assert 'name="from_location" value="A-01"' in page.text
    with UnitOfWork(db, write=False) as uow:
        move = uow.session.scalars(select(StockMove).order_by(StockMove.id.desc())).first()
        assert move.purpose == "transfer" and move.actor.startswith("user:")


def test_a_raw_gs1_scan_in_the_item_field_names_item_and_lot_without_script(keeper, store,
                                                                            db):
    raw = f"]d201{store['cath_gtin']}17991231" + "10C-NEW"
    answer = _post(keeper, "/inventory/transfer", item=raw, lot="", serial="",
                   from_location="]C0A-01", to_location="WH1", quantity="2", purpose="transfer")
    assert answer.status_code == 303, answer.text
    assert _on_hand(db, "WH1") == {"C-NEW": 2}
    unit = _post(keeper, "/inventory/transfer", item=f"(01){store['pump_gtin']}(21)SN-1",
                 from_location="A-01", to_location="A-02", quantity="", purpose="transfer")
    assert unit.status_code == 303, unit.text  # a serial is one piece
    assert _on_hand(db, "A-02")["SN-1"] == 1
    boxes = _post(keeper, "/inventory/transfer", item="GAUZE", from_location="WH2",
                  to_location="A-01", quantity="1", uom="BX", purpose="transfer")
    assert boxes.status_code == 303 and _on_hand(db, "A-01")["GAUZE"] == 10


def test_taking_more_than_there_is_is_refused_in_chinese_next_to_the_form(keeper, store, db):
    answer = _post(keeper, "/inventory/transfer", item="CATH", lot="C-NEAR",
                   from_location="A-02", to_location="A-01", quantity="9", purpose="transfer")
    assert answer.status_code == 409
    error = answer.text.split('data-testid="form-error"', 1)[1].split("</div>", 1)[0]
    assert "该库位库存不足。" in error and "现有：8，需要：9" in error
    assert "MT-INV-INSUFFICIENT" in error
    form = _form(answer.text, "transfer-form")
    assert 'value="C-NEAR"' in form and 'name="quantity" value="9"' in form  # kept
    assert _on_hand(db, "A-02")["C-NEAR"] == 8


def test_a_quarantined_lot_is_not_released_by_a_transfer_with_its_reason_in_english(
        keeper, store, db):
    keeper.get("/lang/en")
    answer = _post(keeper, "/inventory/transfer", item="CATH", lot="C-Q",
                   from_location="QZ", to_location="A-01", quantity="5", purpose="release")
    assert answer.status_code == 409
    error = answer.text.split('data-testid="form-error"', 1)[1].split("</div>", 1)[0]
    assert "This stock may not be issued or shipped." in error
    assert "Reason: the lot is in quarantine (not released)." in error
    assert "MT-INV-LOT-NOT-ISSUABLE" in error
    answer = _post(keeper, "/inventory/transfer", item="CATH", lot="C-EXP",
                   from_location="RZ", to_location="QZ", quantity="4", purpose="quarantine")
    assert answer.status_code == 303  # into quarantine: any stock may go
    keeper.get("/lang/zh_CN")
    answer = _post(keeper, "/inventory/transfer", item="CATH", lot="C-EXP",
                   from_location="QZ", to_location="A-01", quantity="4", purpose="transfer")
    assert answer.status_code == 409 and "原因：已过期。" in answer.text


def test_field_problems_are_shown_next_to_each_field(keeper, store):
    keeper.get("/lang/en")
    answer = _post(keeper, "/inventory/transfer", item="CATH", lot="NOPE",
                   from_location="A-01", to_location="A-01", quantity="x", purpose="transfer")
    assert answer.status_code == 422
    assert "The stock move is not valid." in answer.text
    form = _form(answer.text, "transfer-form")
    assert "no such lot of this item" in form and "not a number" in form
    same = _post(keeper, "/inventory/transfer", item="CATH", lot="C-NEW",
                 from_location="A-01", to_location="A-01", quantity="1", purpose="transfer")
    assert same.status_code == 422 and "the same as the source location" in same.text
    missing = _post(keeper, "/inventory/transfer", item="CATH", from_location="A-01",
                    to_location="A-02", quantity="1", purpose="transfer")
    assert missing.status_code == 422 and "MT-INV-MOVE-INVALID" in missing.text
    assert "required" in _form(missing.text, "transfer-form")
    place = _post(keeper, "/inventory/transfer", item="CATH", lot="C-NEW",
                  from_location="Z-99", to_location="A-02", quantity="1", purpose="transfer")
    assert place.status_code == 422 and "no such location" in place.text


def test_forms_refuse_a_post_without_the_csrf_token(keeper, store, db):
    answer = keeper.post("/inventory/transfer", data={
        "item": "CATH", "lot": "C-NEW", "from_location": "A-01", "to_location": "A-02",
        "quantity": "1", "purpose": "transfer"}, headers={"Accept": "application/json"})
    assert answer.status_code == 403 and answer.json()["code"] == "MT-AUTH-CSRF"
    assert _on_hand(db, "A-01")["C-NEW"] == 50


def test_adjustments_and_reversals_need_their_permission(keeper, store):
    assert keeper.get("/inventory/adjust").status_code == 403
    token = csrf_from(keeper.get("/inventory/transfer").text)
    refused = keeper.post("/inventory/adjust", data={
        "csrf_token": token, "item": "GAUZE", "location": "WH2", "direction": "out",
        "quantity": "1", "reason_code": "damaged"})
    assert refused.status_code == 403
    assert keeper.get("/inventory/moves/1/reverse").status_code == 403
    assert 'href="/inventory/adjust"' not in keeper.get("/inventory/stock").text


def test_a_viewer_may_not_open_the_transfer_form(client, db, store):
    from tests.factories.auth import make_user, web_login

    make_user(db, "only.view", permissions=["inventory.stock.view"])
    assert web_login(client, "only.view").status_code == 303
    assert client.get("/inventory/transfer").status_code == 403
    assert client.get("/inventory/stock").status_code == 200


def test_an_adjustment_needs_a_reason_and_is_audited_with_it(supervisor, store, db):
    supervisor.get("/lang/en")
    refused = _post(supervisor, "/inventory/adjust", item="GAUZE", location="WH2",
                    direction="out", quantity="3", reason_code="")
    assert refused.status_code == 422 and "required" in _form(refused.text, "adjust-form")
    answer = _post(supervisor, "/inventory/adjust", item="GAUZE", location="WH2",
                   direction="out", quantity="3", reason_code="damaged",
                   note="wet cartons")
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/inventory/adjust?location=WH2&done=")
    assert _on_hand(db, "WH2")["GAUZE"] == 17
    found = _post(supervisor, "/inventory/adjust", item="CATH", lot="C-NEW", location="A-01",
                  direction="in", quantity="2", reason_code="found")
    assert found.status_code == 303 and _on_hand(db, "A-01")["C-NEW"] == 52
    with UnitOfWork(db, write=False) as uow:
        move = uow.session.scalars(select(StockMove).where(
            StockMove.reason_code == "damaged")).one()
        assert (move.purpose, move.note) == ("adjustment", "wet cartons")
        entry = uow.session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "inventory_stock_move",
            AuditEntry.entity_id == str(move.id))).first()
        assert entry is not None and entry.reason == "damaged: wet cartons"
    history = supervisor.get("/inventory/moves", params={"item": "GAUZE"}).text
    assert "damaged" in history and "wet cartons" in history


def test_a_move_is_reversed_with_a_reason_once(supervisor, store, db):
    moved = _post(supervisor, "/inventory/transfer", item="CATH", lot="C-NEW",
                  from_location="A-01", to_location="A-02", quantity="5", purpose="transfer")
    move_id = re.search(r"done=(\d+)", moved.headers["location"]).group(1)
    form = supervisor.get(f"/inventory/moves/{move_id}/reverse")
    assert "冲销移动" in form.text and 'data-testid="reverse-form"' in form.text
    empty = _post(supervisor, f"/inventory/moves/{move_id}/reverse", reason=" ")
    assert empty.status_code == 422 and "必填" in empty.text
    done = _post(supervisor, f"/inventory/moves/{move_id}/reverse", reason="扫错货位")
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith("/inventory/moves?done=")
    assert _on_hand(db, "A-01")["C-NEW"] == 50 and "C-NEW" not in _on_hand(db, "A-02")
    history = supervisor.get("/inventory/moves").text
    row = history.split(f'data-move="{move_id}"', 1)[1].split("</tr>", 1)[0]
    assert "已冲销" in row and "/reverse" not in row
    again = supervisor.get(f"/inventory/moves/{move_id}/reverse")
    assert 'data-testid="not-reversible"' in again.text
    twice = _post(supervisor, f"/inventory/moves/{move_id}/reverse", reason="again")
    assert twice.status_code == 409 and "MT-INV-MOVE-REVERSED" in twice.text
    with UnitOfWork(db, write=False) as uow:
        assert queries.reconcile(uow) == []
    assert supervisor.get("/inventory/moves/999999/reverse").status_code == 404
