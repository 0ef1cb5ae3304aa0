"""The sales demo story, through the real services: customers' terms, ship-tos and shelf-life
rules, the price list and the published ``sales_order`` approval; Renji Hospital's order
allocated FEFO, picked by scan, packed into two cases on a pallet, shipped and delivered; the
same catheter lot shipped in part to a Zhejiang distributor (in transit); Ruijin Hospital's
order half picked on the handheld; a quotation; an order priced below the floor waiting for
management's approval; Renji returning damaged catheters, waiting for QA's disposition. The
sales permissions of the demo roles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from medtrace.modules import catalog, partners, traceability
from medtrace.modules.sales import service
from medtrace.modules.sales.permissions import ROLE_GRANTS
from medtrace.modules.sales.schemas import (
    CustomerTerms,
    DeliveryIn,
    PackIn,
    PickIn,
    PriceWrite,
    ReturnCreate,
    SalesOrderCreate,
    ShelfLifeRuleWrite,
    ShipmentCreate,
    ShipToWrite,
)
from medtrace.platform import numbering, workflows
from medtrace.platform.actor import SYSTEM
from medtrace.platform.auth import roles
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.defaults import DEFAULTS

#: username, printed name, role (no platform demo user approves for management)
USERS = [("he.jing", "何静", "management")]

#: code, Chinese name, English name, type, documents (type, number, classes)
CUSTOMERS = [
    ("CUS-ZJKJ", "浙江康健医疗器械有限公司", "Zhejiang Kangjian Medical Devices", "distributor",
     [("business_licence", "91330110MA28XXXXX", []),
      ("distribution_licence", "浙杭药监械经营许20210088", ["II", "III"])]),
    ("CUS-RUIJIN", "上海交通大学医学院附属瑞金医院", "Ruijin Hospital", "hospital",
     [("medical_institution_licence", "PDY00002X31010112A1001", [])]),
]

#: customer, code, name, address, contact, phone, GLN
SHIP_TOS = [
    ("CUS-RENJI", "RJ-CENTRAL", "仁济医院东院中心库房", "上海市浦东新区浦建路160号 中心库房",
     "张护士长", "021-5875 2345", "6975012340014"),
    ("CUS-RENJI", "RJ-ICU", "仁济医院重症医学科", "上海市浦东新区浦建路160号 3号楼4层",
     "刘医生", "021-5875 6789", None),
    ("CUS-ZJKJ", "ZJ-DC", "康健杭州配送中心", "浙江省杭州市余杭区良渚街道好运街88号",
     "陈经理", "0571-8888 1234", "6975012340021"),
    ("CUS-RUIJIN", "RJH-STORE", "瑞金医院医学装备库房", "上海市黄浦区瑞金二路197号",
     "周老师", "021-6437 0045", None),
    ("CUS-HUADONG", "HD-DC", "华东医药器械杭州仓", "浙江省杭州市拱墅区莫干山路1号",
     "吴经理", "0571-8765 4321", None),
]


def _actor(uow: UnitOfWork, username: str) -> Any:
    user = auth_service.get_user(uow, username)
    return auth_service.actor_for_user(user) if user else None


def _people(uow: UnitOfWork) -> None:
    for username, printed, role in USERS:
        if auth_service.get_user(uow, username) is None:
            auth_service.create_user(uow, username=username, printed_name=printed,
                                     password=DEMO_PASSWORD, roles=[role], language="zh_CN")


def _approval_process(uow: UnitOfWork) -> None:
    default = next(d for d in DEFAULTS if d.key == "sales_order")
    version = workflows.import_version(uow, xml=default.xml(), record_type=default.record_type,
                                       actor=SYSTEM, name_zh=default.name_zh,
                                       name_en=default.name_en, change_note="MedTrace default")
    workflows.submit_version(uow, version_id=version.id, actor=SYSTEM)
    workflows.publish_version(uow, version_id=version.id, password=DEMO_PASSWORD,
                              actor=_actor(uow, "admin"))


def _customers(uow: UnitOfWork) -> None:
    today = uow.today()
    for code, zh, en, kind, docs in CUSTOMERS:
        partner = partners.create_partner(uow, partners.PartnerCreate(
            code=code, name_zh=zh, name_en=en, is_customer=True, customer_type=kind))
        for doc_type, number, classes in docs:
            partners.add_document(uow, partner.id, partners.DocumentWrite(
                doc_type=doc_type, number=number, scope_classes=classes,
                valid_from=today - dt.timedelta(days=700),
                valid_to=today + dt.timedelta(days=900)))
    sales, qa = _actor(uow, "chen.jie"), _actor(uow, "li.na")
    for code in ("CUS-RENJI", "CUS-ZJKJ", "CUS-RUIJIN", "CUS-HUADONG"):
        partner = partners.get_partner_by_code(uow, code)
        request = partners.request_first_approval(
            uow, kind="customer", partner_id=partner.id, actor=sales,
            notes="首营资料齐全 / first-operation file complete")
        partners.decide_first_approval(uow, request.id, approve=True, password=DEMO_PASSWORD,
                                       actor=qa, comment="资质审核通过 / qualified")


def _terms(uow: UnitOfWork) -> None:
    # the plant's GS1 company prefix 6971234 (the catalog's GTINs), serial references from 1
    numbering.save_rule(uow, scope="sales.sscc", pattern="06971234{SEQ:9}", check="gs1_mod10",
                        description="GS1 company prefix 6971234")
    rep = _actor(uow, "chen.jie")
    for code, limit, days, pay in (("CUS-RENJI", "2000000", 365, 60),
                                   ("CUS-ZJKJ", "500000", 180, 30),
                                   ("CUS-RUIJIN", "1000000", 365, 90),
                                   ("CUS-HUADONG", "300000", None, 30)):
        service.set_terms(uow, customer=code, actor=rep, data=CustomerTerms(
            credit_limit=Decimal(limit), min_remaining_days=days, payment_days=pay))
    for customer, code, name, address, contact, phone, gln in SHIP_TOS:
        service.save_ship_to(uow, customer=customer, actor=rep, data=ShipToWrite(
            code=code, name=name, address=address, contact=contact, phone=phone, gln=gln))
    service.set_shelf_life_rule(uow, customer="CUS-ZJKJ", actor=rep, data=ShelfLifeRuleWrite(
        item="CVC-7F", min_remaining_days=540))
    for item, uom, price, floor in (("CVC-7F", "EA", "38", "34"), ("CVC-7F", "BX", "360", "330"),
                                    ("IP-200", "EA", "26800", "25000")):
        service.save_price(uow, actor=rep, data=PriceWrite(
            item=item, uom=uom, list_price=Decimal(price), floor_price=Decimal(floor)))


def _scan(uow: UnitOfWork, item: str, *, lot: str | None = None, serial: str | None = None
          ) -> str:
    found = catalog.get_item_by_code(uow, item)
    thing = traceability.find(uow, "lot", lot, found.id) if lot else None
    expiry = thing.expiry_date.isoformat() if thing is not None and thing.expiry_date else None
    return catalog.label_for(uow, found.id, lot=lot, serial=serial,
                             expiry=expiry).element_string


def _order(uow: UnitOfWork, customer: str, ship_to: str, lines: list[tuple[str, str, str]],
           **extra: Any) -> str:
    order = service.create_order(uow, actor=_actor(uow, "chen.jie"), data=SalesOrderCreate(
        customer=customer, ship_to=ship_to, lines=[
            {"item": item, "quantity": Decimal(q), "unit_price": Decimal(p)}
            for item, q, p in lines], **extra))
    return order.number


def _pick(uow: UnitOfWork, number: str, scan: str, quantity: str | None = None) -> int:
    return service.pick_scan(uow, ref=number, actor=_actor(uow, "wang.wei"), data=PickIn(
        scan=scan, quantity=Decimal(quantity) if quantity else None)).id


def _stories(uow: UnitOfWork) -> None:
    picker = _actor(uow, "wang.wei")
    pumps = [u for u in ("IP2-W0001", "IP2-W0003")]
    # Renji: allocated FEFO (a year of shelf life), picked, packed on a pallet, delivered
    renji = _order(uow, "CUS-RENJI", "RJ-CENTRAL", [("CVC-7F", "120", "38"),
                                                    ("IP-200", "2", "26800")],
                   customer_reference="RJ-PO-2026-1187", requested_date=uow.today())
    service.allocate_order(uow, ref=renji, actor=picker)
    catheters = _pick(uow, renji, _scan(uow, "CVC-7F", lot="CV251012"), "120")
    units = [_pick(uow, renji, _scan(uow, "IP-200", serial=s)) for s in pumps]
    case_a = service.pack(uow, ref=renji, actor=picker, data=PackIn(picks=[catheters]))
    case_b = service.pack(uow, ref=renji, actor=picker, data=PackIn(picks=units))
    service.pack(uow, ref=renji, actor=picker, data=PackIn(
        kind="pallet", packages=[case_a.sscc, case_b.sscc]))
    shipment = service.ship(uow, actor=picker, data=ShipmentCreate(
        sales_order=renji, carrier="顺丰医药冷链", tracking_number="SF1402268731"))
    service.confirm_delivery(uow, number=shipment.number, actor=picker, data=DeliveryIn(
        received_by="张护士长", note="外箱完好 / cases intact"))
    # the same catheter lot in part to a distributor (in transit)
    zj = _order(uow, "CUS-ZJKJ", "ZJ-DC", [("CVC-7F", "200", "36")],
                customer_reference="KJ-2026-0456")
    service.ship(uow, actor=picker, data=ShipmentCreate(
        sales_order=zj, lines=[{"scan": _scan(uow, "CVC-7F", lot="CV251012"),
                                "quantity": Decimal(20), "uom": "BX"}],
        carrier="德邦物流", tracking_number="DPK8821930"))
    # Ruijin: allocated, half picked on the handheld
    ruijin = _order(uow, "CUS-RUIJIN", "RJH-STORE", [("CVC-7F", "60", "38"),
                                                     ("IP-200", "1", "26800")])
    service.allocate_order(uow, ref=ruijin, actor=picker)
    _pick(uow, ruijin, _scan(uow, "CVC-7F", lot="CV-D01"), "40")
    # a quotation, and an order below the lowest price waiting for management
    _order(uow, "CUS-ZJKJ", "ZJ-DC", [("IP-200", "5", "26000")], quotation=True,
           note="年度招标报价 / annual tender quotation")
    _order(uow, "CUS-RUIJIN", "RJH-STORE", [("CVC-7F", "500", "30")],
           note="批量采购折扣 / volume discount requested")
    # Renji sends back damaged catheters
    service.receive_return(uow, actor=picker, data=ReturnCreate(
        customer="CUS-RENJI", shipment=shipment.number, reason="外包装破损 / outer box damaged",
        lines=[{"scan": _scan(uow, "CVC-7F", lot="CV251012"), "quantity": Decimal(10)}]))


def load(uow: UnitOfWork) -> None:
    roles.add_grants(uow, ROLE_GRANTS)
    if catalog.get_item_by_code(uow, "CVC-7F") is None or _actor(uow, "wang.wei") is None \
            or partners.get_partner_by_code(uow, "CUS-RENJI") is None:
        return
    _people(uow)
    _approval_process(uow)
    _customers(uow)
    _terms(uow)
    _stories(uow)
