"""Demo master data: a serialized class II infusion pump, a class III catheter tracked by lot,
lot-tracked components, suppliers and customers with licences (one expiring soon, one
expired), and the catalog and partner permissions for the demo roles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from medtrace.modules import catalog
from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_STATUS, ITEM_VIEW
from medtrace.modules.catalog.schemas import ItemCreate, PackagingIn
from medtrace.modules.partners import service
from medtrace.modules.partners.permissions import (
    APPROVAL_DECIDE,
    APPROVAL_REQUEST,
    ASL_EDIT,
    PARTNER_EDIT,
    PARTNER_VIEW,
)
from medtrace.modules.partners.schemas import DocumentWrite, PartnerCreate
from medtrace.platform.auth import service as auth_service
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.demo import DemoStep, register_demo_step

ROLE_GRANTS = {
    "warehouse": [ITEM_VIEW, PARTNER_VIEW],
    "qa": [ITEM_VIEW, ITEM_STATUS, PARTNER_VIEW, APPROVAL_DECIDE, ASL_EDIT],
    "production": [ITEM_VIEW],
    "sales": [ITEM_VIEW, PARTNER_VIEW, PARTNER_EDIT, APPROVAL_REQUEST],
    "service": [ITEM_VIEW],
}


def _grant(uow: UnitOfWork) -> None:
    for role in auth_service.list_roles(uow):
        extra = ROLE_GRANTS.get(role.code)
        if extra:
            auth_service.save_role(uow, code=role.code, name_zh=role.name_zh,
                                   name_en=role.name_en, description=role.description,
                                   grants_all=role.grants_all,
                                   permissions=sorted(set(role.permission_codes) | set(extra)))
    purchasing = [ITEM_VIEW, ITEM_EDIT, PARTNER_VIEW, PARTNER_EDIT, APPROVAL_REQUEST]
    auth_service.save_role(uow, code="purchasing", name_zh="采购", name_en="Purchasing",
                           permissions=purchasing)


def _items(uow: UnitOfWork) -> dict[str, int]:
    def gtin(body: str) -> str:
        return body + str(catalog.gs1_check_digit(body))

    made = {}
    specs = [
        ("IP-200", "容量输液泵", "Volumetric infusion pump", "II", "serial", None, "EA",
         "国械注准20232140001", [("0697123456001", 1)]),
        ("CVC-7F", "一次性使用中心静脉导管", "Single-use central venous catheter", "III",
         "lot", 1095, "EA", "国械注准20233030002", [("0697123456002", 1), ("1697123456002", 10)]),
        ("PCB-MAIN", "输液泵主控板", "Pump main board", None, "lot", None, "EA", None,
         [("0697123456003", 1)]),
        ("TUBE-PVC", "医用PVC管路", "Medical PVC tubing", None, "lot", 730, "M", None,
         [("0697123456004", 1)]),
    ]
    for code, zh, en, cls, tracking, shelf, uom, reg, levels in specs:
        data = ItemCreate(
            code=code, name_zh=zh, name_en=en, class_cn=cls, tracking=tracking,
            shelf_life_days=shelf, base_uom=uom, registration_number=reg,
            registration_expiry=dt.date(2029, 12, 31) if reg else None,
            min_remaining_shelf_life_days=180 if shelf else None,
            packaging=[PackagingIn(level=i, name="unit" if i == 0 else "box", gtin=gtin(body),
                                   quantity=Decimal(qty)) for i, (body, qty) in
                       enumerate(levels)],
            conversions=[{"uom": "BX", "factor": Decimal(10)}] if len(levels) > 1 else [])
        item = catalog.create_item(uow, data)
        catalog.set_status(uow, item.id, "active")
        made[code] = item.id
    return made


def _partners(uow: UnitOfWork) -> None:
    today = uow.today()
    year = dt.timedelta(days=365)
    specs = [
        ("SUP-KANGDA", "上海康达医疗器械有限公司", "Shanghai Kangda Medical", True, False, None,
         [("business_licence", "91310115MA1K4XXXX", [], None),
          ("distribution_licence", "沪药监械经营许20190123", ["II", "III"], today + 3 * year),
          ("quality_agreement", "QA-KD-2026", [], today + year)]),
        ("SUP-PCB", "深圳华电子科技有限公司", "Shenzhen Huadian Electronics", True, False, None,
         [("business_licence", "91440300MA5XXXXX", [], None),
          ("quality_agreement", "QA-HD-2026", [], today + dt.timedelta(days=20))]),
        ("CUS-RENJI", "上海交通大学医学院附属仁济医院", "Renji Hospital", False, True,
         "hospital", [("medical_institution_licence", "PDY00001X31011512A1001", [],
                       today + 2 * year)]),
        ("CUS-HUADONG", "华东医药器械经销有限公司", "East China Device Distribution", False, True,
         "distributor", [("business_licence", "91330100MA2XXXXX", [], None),
                         ("distribution_licence", "浙杭药监械经营许20170456", ["II", "III"],
                          today - dt.timedelta(days=12))]),
    ]
    for code, zh, en, supplier, customer, ctype, docs in specs:
        partner = service.create_partner(uow, PartnerCreate(
            code=code, name_zh=zh, name_en=en, is_supplier=supplier, is_customer=customer,
            customer_type=ctype))
        for doc_type, number, scope, valid_to in docs:
            service.add_document(uow, partner.id, DocumentWrite(
                doc_type=doc_type, number=number, scope_classes=scope,
                valid_from=today - 2 * year, valid_to=valid_to))


def load(uow: UnitOfWork) -> None:
    _grant(uow)
    _items(uow)
    _partners(uow)


register_demo_step(DemoStep("modules.catalog_partners", 20, load))
