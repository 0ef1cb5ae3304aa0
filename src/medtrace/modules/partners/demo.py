"""Demo partners: suppliers and customers with licences (one expiring soon, one expired), and
the partner permissions of the demo roles (the purchasing role comes from the catalog's demo)."""

from __future__ import annotations

import datetime as dt

from medtrace.modules.partners import service
from medtrace.modules.partners.permissions import ROLE_GRANTS
from medtrace.modules.partners.schemas import DocumentWrite, PartnerCreate
from medtrace.platform.auth import roles
from medtrace.platform.db.uow import UnitOfWork


def _grant(uow: UnitOfWork) -> None:
    roles.add_grants(uow, ROLE_GRANTS)


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
    _partners(uow)
