"""The definitions MedTrace ships, one per approval flow, as BPMN files in ``definitions/``.

``install_defaults`` imports, as drafts, those whose record type a module has registered and
that the plant has not defined yet (a plant's own definition of the same key is never
touched). A draft still needs submitting and publishing with a signature, like any version: a
plant reviews what it adopts."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select

from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.layout import with_diagram
from medtrace.platform.workflows.models import WorkflowDefinition
from medtrace.platform.workflows.service import import_version, record_types


@dataclass(frozen=True)
class Default:
    key: str
    record_type: str
    name_zh: str
    name_en: str

    def xml(self) -> str:
        source = resources.files("medtrace.platform.workflows") / "definitions" / f"{self.key}.bpmn"
        return with_diagram(source.read_text(encoding="utf-8"))


DEFAULTS = (
    Default("purchase_order", "procurement.order", "采购订单审批", "Purchase order approval"),
    Default("engineering_change", "production.engineering_change", "工程变更（ECO）审批",
            "Engineering change order (ECO)"),
    Default("batch_release", "production.batch", "批放行", "Batch release"),
    Default("nonconformance", "quality.nonconformance", "不合格品处置",
            "Nonconformance disposition"),
    Default("capa", "quality.capa", "纠正和预防措施（CAPA）",
            "Corrective and preventive action (CAPA)"),
    Default("complaint", "quality.complaint", "投诉处理", "Complaint handling"),
    Default("change_control", "quality.change", "变更控制", "Change control"),
    Default("sales_order", "sales.order", "销售订单例外审批", "Sales order exception approval"),
    Default("recall", "recall.recall", "召回决定", "Recall decision"),
)


def install_defaults(uow: UnitOfWork, *, actor: Actor) -> list[str]:
    """Draft versions of the shipped definitions that can run here and are not defined yet."""
    existing = set(uow.session.scalars(select(WorkflowDefinition.key)))
    registered = record_types()
    installed = []
    for default in DEFAULTS:
        if default.key in existing or default.record_type not in registered:
            continue
        import_version(uow, xml=default.xml(), record_type=default.record_type, actor=actor,
                       name_zh=default.name_zh, name_en=default.name_en,
                       change_note="MedTrace default")
        installed.append(default.key)
    return installed
