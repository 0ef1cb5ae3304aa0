"""Demo inventory: the Songjiang plant's warehouse with its quarantine, available (bins and a
2-8 °C cold room), rejected and returns areas, the virtual locations, and stock on hand of the
demo items, every quantity received and moved through ``post_move`` (so the ledger, the
balances and the traceability journal agree): released and quarantined lots, a lot near
expiry, an expired lot a distributor sent back, serial pumps, a count adjustment and a
reversed transfer. The inventory permissions for the demo roles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, partners, traceability
from medtrace.modules.inventory import service
from medtrace.modules.inventory.counts import service as counts
from medtrace.modules.inventory.counts.models import CountLine
from medtrace.modules.inventory.permissions import ROLE_GRANTS
from medtrace.modules.inventory.schemas import MoveCreate
from medtrace.platform.actor import SYSTEM
from medtrace.platform.auth import roles
from medtrace.platform.db.uow import UnitOfWork

#: code, Chinese name, English name, kind, parent, stock status, temperature zone, role
LOCATIONS = [
    ("SITE-SJ", "松江工厂", "Songjiang plant", "site", None, None, None, None),
    ("WH-SJ", "松江中心仓库", "Songjiang central warehouse", "warehouse", "SITE-SJ", None,
     "15-25C", None),
    ("WH-SJ-QZ", "待验区", "Quarantine area", "zone", "WH-SJ", "quarantine", "15-25C", None),
    ("WH-SJ-AZ", "合格区", "Available stock", "zone", "WH-SJ", "available", "15-25C", None),
    ("WH-SJ-A01", "合格区货位 A-01", "Bin A-01", "bin", "WH-SJ-AZ", None, None, None),
    ("WH-SJ-A02", "合格区货位 A-02", "Bin A-02", "bin", "WH-SJ-AZ", None, None, None),
    ("WH-SJ-A03", "合格区货位 A-03", "Bin A-03", "bin", "WH-SJ-AZ", None, None, None),
    ("WH-SJ-C01", "冷藏区 2–8 °C", "Cold room 2-8 °C", "bin", "WH-SJ-AZ", None, "2-8C", None),
    ("WH-SJ-RZ", "不合格区", "Rejected goods", "zone", "WH-SJ", "rejected", "15-25C", None),
    ("WH-SJ-RT", "退货区", "Returns", "zone", "WH-SJ", "returns", "15-25C", None),
    ("V-SUPPLIER", "供应商", "Suppliers", "virtual", None, None, None, "supplier"),
    ("V-CUSTOMER", "客户", "Customers", "virtual", None, None, None, "customer"),
    ("V-PRODUCTION", "生产车间", "Production", "virtual", None, None, None, "production"),
    ("V-SCRAP", "报废", "Scrap", "virtual", None, None, None, "scrap"),
    ("V-ADJUST", "库存调整", "Inventory adjustment", "virtual", None, None, None, "adjustment"),
    ("V-TRANSIT", "在途", "In transit", "virtual", None, None, None, "transit"),
]


def _grant(uow: UnitOfWork) -> None:
    roles.add_grants(uow, ROLE_GRANTS)


def _locations(uow: UnitOfWork) -> None:
    for code, zh, en, kind, parent, status, zone, role in LOCATIONS:
        service.create_location(uow, code=code, name_zh=zh, name_en=en, kind=kind,
                                parent=parent, stock_status=status, temperature_zone=zone,
                                role=role)


class _Stock:
    """Posts the demo's moves, each at its day (at 09:30 plant time, a few days ago)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.today = uow.today()
        item = catalog.get_item_by_code
        self.items = {code: item(uow, code) for code in ("IP-200", "CVC-7F", "PCB-MAIN",
                                                         "TUBE-PVC", "DRV-200", "BAT-LI")}
        found = partners.get_partner_by_code
        self.partner = {code: getattr(found(uow, code), "id", None) for code in (
            "SUP-KANGDA", "SUP-PCB", "CUS-RENJI", "CUS-HUADONG")}

    def day(self, days_ago: int, minutes: int = 0) -> dt.datetime:
        local = dt.datetime.combine(self.today - dt.timedelta(days=days_ago),
                                    dt.time(9, 30), tzinfo=self.uow.timezone)
        return (local + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)

    def lot(self, item: str, prefix: str, made_days_ago: int, *, status: str,
            expiry_days: int | None = None, supplier: str | None = None,
            number: str | None = None) -> Any:
        made = self.today - dt.timedelta(days=made_days_ago)
        return traceability.create_lot(
            self.uow, item_id=self.items[item].id, number=number or f"{prefix}{made:%y%m%d}",
            manufacture_date=made, status=status,
            expiry_date=self.today + dt.timedelta(days=expiry_days)
            if expiry_days is not None else None,
            supplier_id=self.partner.get(supplier) if supplier else None,
            origin="received" if supplier else "created")

    def move(self, item: str, quantity: int | str, source: str, target: str, purpose: str,
             at: dt.datetime, *, thing: Any = None, doc: str | None = None,
             partner: str | None = None, reason_code: str | None = None, note: str = "",
             uom: str | None = None) -> Any:
        unit = thing if thing is not None and thing.kind == "unit" else None
        lot = thing if thing is not None and thing.kind == "lot" else None
        return service.post_move(self.uow, actor=SYSTEM, move=MoveCreate(
            item_id=self.items[item].id, quantity=Decimal(quantity), uom=uom,
            from_location=source, to_location=target, purpose=purpose,
            lot_id=lot.id if lot else None, unit_id=unit.id if unit else None,
            reason_code=reason_code, note=note, doc=doc, at=at,
            partner_id=self.partner.get(partner) if partner else None))


def _stock(uow: UnitOfWork) -> None:
    s = _Stock(uow)
    if any(item is None for item in s.items.values()):
        return  # the catalog step made no demo items
    qz, rz, rt = "WH-SJ-QZ", "WH-SJ-RZ", "WH-SJ-RT"
    a01, a02, a03 = "WH-SJ-A01", "WH-SJ-A02", "WH-SJ-A03"

    # Catheters (lot, 3 years' shelf life, 180 days required at shipment).
    near = s.lot("CVC-7F", "CV", 1000, status="released", expiry_days=95,
                 supplier="SUP-KANGDA")
    s.move("CVC-7F", 200, "V-SUPPLIER", qz, "receipt", s.day(960), thing=near, doc="RC-2301",
           partner="SUP-KANGDA")
    s.move("CVC-7F", 200, qz, a03, "release", s.day(955), thing=near, doc="RC-2301")
    s.move("CVC-7F", 120, a03, "V-CUSTOMER", "ship", s.day(500), thing=near, doc="SO-2307",
           partner="CUS-RENJI")
    main = s.lot("CVC-7F", "CV", 420, status="released", expiry_days=675,
                 supplier="SUP-KANGDA")
    s.move("CVC-7F", 60, "V-SUPPLIER", qz, "receipt", s.day(400), thing=main, doc="RC-2412",
           partner="SUP-KANGDA", uom="BX")
    s.move("CVC-7F", 300, qz, a01, "release", s.day(395), thing=main, doc="RC-2412")
    s.move("CVC-7F", 300, qz, a02, "release", s.day(395, 20), thing=main, doc="RC-2412")
    s.move("CVC-7F", 120, a01, "V-CUSTOMER", "ship", s.day(200), thing=main, doc="SO-2503",
           partner="CUS-RENJI")
    wrong = s.move("CVC-7F", 10, a02, a03, "transfer", s.day(3), thing=main,
                   note="补货 / replenishment")
    service.reverse_move(
        uow, actor=SYSTEM, move_id=wrong.id, reason="放错货位 / put into the wrong bin")
    uow.context.pop("reason", None)  # the reversal's reason is not the next change's
    fresh = s.lot("CVC-7F", "CV", 30, status="quarantine", expiry_days=1065,
                  supplier="SUP-KANGDA")
    s.move("CVC-7F", 500, "V-SUPPLIER", qz, "receipt", s.day(2), thing=fresh, doc="RC-2611",
           partner="SUP-KANGDA")
    expired = s.lot("CVC-7F", "CV", 1110, status="released", expiry_days=-15,
                    supplier="SUP-KANGDA")
    s.move("CVC-7F", 20, "V-CUSTOMER", rt, "customer_return", s.day(12), thing=expired,
           doc="RMA-2611", partner="CUS-HUADONG", note="经销商退货 / distributor return")
    s.move("CVC-7F", 20, rt, rz, "quarantine", s.day(5), thing=expired, doc="RMA-2611",
           note="已过期，待报废 / expired, to be scrapped")

    # Infusion pumps (serial), built in the plant.
    year = s.today.year % 100
    pumps = [traceability.create_unit(uow, item_id=s.items["IP-200"].id,
                                      serial=f"IP2-{year:02d}{n:04d}", status="released")
             for n in range(1, 9)]
    for n, pump in enumerate(pumps):
        s.move("IP-200", 1, "V-PRODUCTION", qz, "receipt", s.day(60, n), thing=pump,
               doc="WO-2609")
        s.move("IP-200", 1, qz, a02, "release", s.day(55, n), thing=pump, doc="WO-2609")
    for n, pump in enumerate(pumps[:2]):
        s.move("IP-200", 1, a02, "V-CUSTOMER", "ship", s.day(30, n), thing=pump, doc="SO-2610",
               partner="CUS-RENJI")
    s.move("IP-200", 1, "V-CUSTOMER", rt, "customer_return", s.day(7), thing=pumps[1],
           doc="RMA-2612", partner="CUS-RENJI", note="报警误触发 / false occlusion alarm")
    for n in range(9, 12):
        pump = traceability.create_unit(uow, item_id=s.items["IP-200"].id,
                                        serial=f"IP2-{year:02d}{n:04d}", status="quarantine")
        s.move("IP-200", 1, "V-PRODUCTION", qz, "receipt", s.day(1, n), thing=pump,
               doc="WO-2611")

    # Pump main boards (lot) from the PCB supplier, partly issued to production.
    boards = s.lot("PCB-MAIN", "PCB", 100, status="released", supplier="SUP-PCB")
    s.move("PCB-MAIN", 150, "V-SUPPLIER", qz, "receipt", s.day(90), thing=boards,
           doc="RC-2608", partner="SUP-PCB")
    s.move("PCB-MAIN", 150, qz, a03, "release", s.day(85), thing=boards, doc="RC-2608")
    s.move("PCB-MAIN", 40, a03, "V-PRODUCTION", "issue", s.day(62), thing=boards,
           doc="WO-2609")
    new_boards = s.lot("PCB-MAIN", "PCB", 10, status="quarantine", supplier="SUP-PCB")
    s.move("PCB-MAIN", 200, "V-SUPPLIER", qz, "receipt", s.day(1), thing=new_boards,
           doc="RC-2612", partner="SUP-PCB")

    # PVC tubing (lot, metres, 2 years' shelf life).
    tubing = s.lot("TUBE-PVC", "TB", 230, status="released", expiry_days=500,
                   supplier="SUP-KANGDA")
    s.move("TUBE-PVC", 1000, "V-SUPPLIER", qz, "receipt", s.day(200), thing=tubing,
           doc="RC-2605", partner="SUP-KANGDA")
    s.move("TUBE-PVC", 1000, qz, a01, "release", s.day(196), thing=tubing, doc="RC-2605")
    s.move("TUBE-PVC", "250.5", a01, "V-PRODUCTION", "issue", s.day(62), thing=tubing,
           doc="WO-2609")
    old_tubing = s.lot("TUBE-PVC", "TB", 685, status="released", expiry_days=45,
                       supplier="SUP-KANGDA")
    s.move("TUBE-PVC", 125, "V-SUPPLIER", qz, "receipt", s.day(660), thing=old_tubing,
           doc="RC-2409", partner="SUP-KANGDA")
    s.move("TUBE-PVC", 125, qz, a03, "release", s.day(655), thing=old_tubing, doc="RC-2409")
    uow.context["reason"] = "count_difference: 盘点少 5 米 / 5 m short at the count"
    s.move("TUBE-PVC", 5, a03, "V-ADJUST", "adjustment", s.day(20), thing=old_tubing,
           reason_code="count_difference", note="盘点少 5 米 / 5 m short at the count")
    uow.context.pop("reason", None)


def _story(uow: UnitOfWork) -> None:
    """The plant's story, with fixed codes (README: "Trace these codes first"): main boards
    (PCB-A01) and battery packs (BAT-H01) from Shenzhen Huadian, tubing (TB-K01) from Kangda;
    four drive modules (DRV-0001..4, serial) made of boards and tubing; four pumps
    (IP2-D0001..4) made of a drive module, a battery pack and tubing; pumps 1 and 2 shipped to
    Renji (1 installed in its ICU), pump 3 to Huadong, pump 4 in stock; catheter lot CV-D01
    shipped in part to Renji (120) and to Huadong (80), 100 in stock. PCB-A01 is the lot to
    recall: its forward trace reaches pumps at both customers."""
    s = _Stock(uow)
    if any(item is None for item in s.items.values()):
        return
    qz, a01, a02 = "WH-SJ-QZ", "WH-SJ-A01", "WH-SJ-A02"  # bin A-03 is the demo's count
    part = traceability.Part
    # Components from two suppliers, received, released and issued to the work order.
    received = {}
    for item, number, qty, supplier, doc, days, bin_ in (
            ("PCB-MAIN", "PCB-A01", 20, "SUP-PCB", "RC-3001", 120, a01),
            ("TUBE-PVC", "TB-K01", 100, "SUP-KANGDA", "RC-3002", 115, a01),
            ("BAT-LI", "BAT-H01", 10, "SUP-PCB", "RC-3003", 112, a01)):
        lot = s.lot(item, "", days + 10, status="released", supplier=supplier, number=number,
                    expiry_days=700 if item == "TUBE-PVC" else None)
        s.move(item, qty, "V-SUPPLIER", qz, "receipt", s.day(days), thing=lot, doc=doc,
               partner=supplier)
        s.move(item, qty, qz, bin_, "release", s.day(days - 2), thing=lot, doc=doc)
        received[item] = (lot, bin_)
    (boards, board_bin), (tubing, tube_bin), (packs, pack_bin) = (
        received["PCB-MAIN"], received["TUBE-PVC"], received["BAT-LI"])
    for lot, bin_, item, qty in ((boards, board_bin, "PCB-MAIN", 4),
                                 (tubing, tube_bin, "TUBE-PVC", 8),
                                 (packs, pack_bin, "BAT-LI", 4)):
        s.move(item, qty, bin_, "V-PRODUCTION", "issue", s.day(100), thing=lot, doc="WO-3001")
    # Drive modules (serial subassemblies) from boards and tubing; pumps from a drive module,
    # a battery pack and tubing: the genealogy links.
    pumps = []
    for n in range(1, 5):
        drive = traceability.create_unit(uow, item_id=s.items["DRV-200"].id,
                                         serial=f"DRV-{n:04d}", status="released")
        traceability.record_event(
            uow, step="produced", inputs=[part(boards, Decimal(1), "EA"),
                                          part(tubing, Decimal("0.8"), "M")],
            outputs=[drive], edge_kind="production", at=s.day(99, n).astimezone(uow.timezone),
            doc="WO-3001", biz_location="V-PRODUCTION", location="V-PRODUCTION")
        pump = traceability.create_unit(uow, item_id=s.items["IP-200"].id,
                                        serial=f"IP2-D{n:04d}", status="released")
        traceability.record_event(
            uow, step="produced", inputs=[drive, part(packs, Decimal(1), "EA"),
                                          part(tubing, Decimal("1.2"), "M")],
            outputs=[pump], edge_kind="production", at=s.day(98, n).astimezone(uow.timezone),
            doc="WO-3001", biz_location="V-PRODUCTION", location="V-PRODUCTION")
        s.move("IP-200", 1, "V-PRODUCTION", qz, "receipt", s.day(97, n), thing=pump,
               doc="WO-3001")
        s.move("IP-200", 1, qz, a02, "release", s.day(95, n), thing=pump, doc="WO-3001")
        pumps.append(pump)
    # Shipments to two customers; pump 1 installed at Renji.
    for pump, customer, doc, n in ((pumps[0], "CUS-RENJI", "SO-3001", 0),
                                   (pumps[1], "CUS-RENJI", "SO-3001", 1),
                                   (pumps[2], "CUS-HUADONG", "SO-3002", 2)):
        s.move("IP-200", 1, a02, "V-CUSTOMER", "ship", s.day(60, n), thing=pump, doc=doc,
               partner=customer)
    traceability.record_event(
        uow, step="installed", what=[pumps[0]], at=s.day(55).astimezone(uow.timezone),
        doc="INS-3001", biz_location="仁济医院东院 ICU / Renji Hospital East, ICU",
        destinations=[traceability.Party("owning_party", s.partner["CUS-RENJI"])])
    # A catheter lot shipped in part to two customers.
    split = s.lot("CVC-7F", "", 100, status="released", expiry_days=900,
                  supplier="SUP-KANGDA", number="CV-D01")
    s.move("CVC-7F", 300, "V-SUPPLIER", qz, "receipt", s.day(90), thing=split, doc="RC-3004",
           partner="SUP-KANGDA")
    s.move("CVC-7F", 300, qz, a01, "release", s.day(88), thing=split, doc="RC-3004")
    s.move("CVC-7F", 120, a01, "V-CUSTOMER", "ship", s.day(40), thing=split, doc="SO-3003",
           partner="CUS-RENJI")
    s.move("CVC-7F", 80, a01, "V-CUSTOMER", "ship", s.day(35), thing=split, doc="SO-3004",
           partner="CUS-HUADONG")


def load(uow: UnitOfWork) -> None:
    _grant(uow)
    _locations(uow)
    _stock(uow)
    _story(uow)
    _count(uow)


def _count(uow: UnitOfWork) -> None:
    """A cycle count of bin A-03, counted and submitted, waiting for someone to review it: the
    boards are two short."""
    place = service.get_location_or_raise(uow, "WH-SJ-A03")
    sheet = counts.create_count_sheet(uow, location=place.code, note="月度循环盘点 / monthly")
    lines = list(uow.session.scalars(select(CountLine).where(CountLine.sheet_id == sheet.id)))
    if not lines:
        return
    counts.start_counting(uow, sheet.id)
    boards = catalog.get_item_by_code(uow, "PCB-MAIN")
    entries = [counts.CountEntry(line_id=line.id, quantity=line.expected - (
        2 if boards is not None and line.item_id == boards.id else 0)) for line in lines]
    counts.enter_counts(uow, sheet.id, entries)
    counts.submit_count_sheet(uow, sheet.id)

