"""Custom field definitions for tests, through the service (audited like any other)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medtrace.modules.catalog import service as _catalog  # noqa: F401  (registers catalog.item)
from medtrace.modules.partners import service as _partners  # noqa: F401  (partners.partner)
from medtrace.platform import customfields
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork


def make_field(db: Database, entity: str, name: str, kind: str, **attributes: Any) -> int:
    attributes.setdefault("label_zh", name)
    attributes.setdefault("label_en", name.replace("_", " ").title())
    with UnitOfWork(db) as uow:
        return customfields.save_field(uow, entity=entity, name=name, kind=kind,
                                       **attributes).id


def partner_fields(db: Database) -> None:
    """A field of every kind on partners: the rules each one checks."""
    make_field(db, "partners.partner", "tax_id", "text", label_zh="统一社会信用代码",
               label_en="Tax id", pattern="[0-9A-Z]{18}", position=1)
    make_field(db, "partners.partner", "credit_limit", "number", label_zh="信用额度",
               label_en="Credit limit", unit="CNY", min_value=Decimal(0),
               max_value=Decimal(1000000), position=2)
    make_field(db, "partners.partner", "grade", "choice", label_zh="供应商等级",
               label_en="Supplier grade", required=True, position=3,
               choices=[{"value": "A", "label_zh": "甲级", "label_en": "Grade A"},
                        {"value": "B", "label_zh": "乙级", "label_en": "Grade B"}])
    make_field(db, "partners.partner", "audited_on", "date", label_zh="现场审核日期",
               label_en="Audited on", position=4)
    make_field(db, "partners.partner", "cold_chain", "boolean", label_zh="冷链",
               label_en="Cold chain", position=5)
    make_field(db, "partners.partner", "parent", "reference", label_zh="上级单位",
               label_en="Parent company", reference_entity="partners.partner", position=6)
