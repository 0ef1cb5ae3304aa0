"""Partners: master data, qualification documents, the trade check, first-operation approval
(首营审核) and the approved-supplier list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, func, or_, select

from medtrace.modules import catalog
from medtrace.modules.partners import events, rules
from medtrace.modules.partners.errors import (
    ApprovalStateError,
    ApprovedSupplierRefused,
    DocumentInvalid,
    PartnerCodeTaken,
    PartnerInvalid,
    PartnerNotFound,
    PartnerNotQualified,
)
from medtrace.modules.partners.models import (
    ApprovedSupplier,
    FirstApproval,
    Partner,
    QualificationDocument,
)
from medtrace.modules.partners.schemas import DocumentWrite, PartnerCreate, PartnerWrite
from medtrace.platform import customfields, esign
from medtrace.platform.actor import Actor
from medtrace.platform.db.search import ESCAPE
from medtrace.platform.db.search import contains as search_pattern
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.files import (  # MAX_FILE_BYTES: the API reads it from here
    MAX_FILE_BYTES,  # noqa: F401
    UploadedFile,
    file_problem,
    store_file,
)
from medtrace.platform.i18n import N_, gettext
from medtrace.platform.policy import define, get_setting

EXPIRY_WARNING_DAYS = define("partners.expiry_warning_days", int, 30,
                             N_("Warn of expiring documents (days ahead)"))


ENTITY = "partners.partner"


def _partner_key(uow: UnitOfWork, text: str) -> str | None:
    """What a reference field stores of a partner: its code (given the code or the id)."""
    partner = get_partner_by_code(uow, text)
    if partner is None and text.strip().isdigit():
        partner = uow.session.get(Partner, int(text))
    return partner.code if partner is not None else None


customfields.register_entity(ENTITY, N_("Partners"), resolve=_partner_key)


def get_partner_or_raise(uow: UnitOfWork, partner_id: int) -> Partner:
    partner = uow.session.get(Partner, partner_id)
    if partner is None:
        raise PartnerNotFound(f"no partner {partner_id}")
    return partner


def get_partner_by_code(uow: UnitOfWork, code: str) -> Partner | None:
    return uow.session.scalar(select(Partner).where(Partner.code == code.strip()))


def list_partners(
    uow: UnitOfWork,
    *,
    search: str | None = None,
    role: str | None = None,
    active: bool | None = None,
    custom: dict[str, Any] | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[Partner], int]:
    """Partners matching every filter (custom fields by the indexed lookup), by code; and
    how many match in all. ``limit=None``: all of them (exports)."""
    query = select(Partner)
    if search and search.strip():
        like = search_pattern(search.strip())
        query = query.where(or_(*(column.ilike(like, escape=ESCAPE) for column in (
            Partner.code, Partner.name_zh, Partner.name_en))))
    if role in ("supplier", "customer", "manufacturer"):
        query = query.where(getattr(Partner, f"is_{role}").is_(True))
    if active is not None:
        query = query.where(Partner.active.is_(active))
    for name, value in (custom or {}).items():
        ids = customfields.matching_record_ids(uow, ENTITY, name, value)
        query = query.where(cast(Partner.id, String).in_(ids))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(Partner.code).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(uow.session.scalars(query)), int(total)


def custom_values(uow: UnitOfWork, partner_id: int) -> dict[str, Any]:
    return customfields.get_values(uow, ENTITY, partner_id)


def custom_values_of(uow: UnitOfWork, partners: list[Partner]) -> dict[int, dict[str, Any]]:
    """The custom-field values of many partners in one query, by partner id."""
    found = customfields.values_for(uow, ENTITY, [p.id for p in partners])
    return {p.id: found.get(str(p.id), {}) for p in partners}


def _validate(data: PartnerWrite) -> None:
    problems = []
    if not (data.is_supplier or data.is_customer or data.is_manufacturer):
        problems.append({"field": "roles",
                         "message": gettext("supplier, customer or manufacturer"),
                         "type": "missing"})
    if data.is_customer and data.customer_type not in rules.CUSTOMER_TYPES:
        problems.append({"field": "customer_type",
                         "message": gettext("one of %(values)s",
                                            values=", ".join(rules.CUSTOMER_TYPES)),
                         "type": "value_error"})
    if problems:
        raise PartnerInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                             errors=problems)


def create_partner(uow: UnitOfWork, data: PartnerCreate) -> Partner:
    _validate(data)
    code = data.code.strip()
    if not code:
        raise PartnerInvalid("the code is empty", errors=[
            {"field": "code", "message": gettext("required"), "type": "missing"}])
    if get_partner_by_code(uow, code) is not None:
        raise PartnerCodeTaken(f"partner {code} exists")
    partner = Partner(**data.model_dump(exclude={"custom_fields"}))
    partner.code = code
    uow.session.add(partner)
    uow.session.flush()
    customfields.set_values(uow, ENTITY, partner.id, data.custom_fields or {})
    uow.publish(events.PartnerCreated(
        partner_id=partner.id, code=partner.code, is_supplier=bool(partner.is_supplier),
        is_customer=bool(partner.is_customer), is_manufacturer=bool(partner.is_manufacturer)))
    return partner


def update_partner(uow: UnitOfWork, partner_id: int, data: PartnerWrite) -> Partner:
    """Change a partner; its custom-field values are replaced when given (kept when None)."""
    _validate(data)
    partner = get_partner_or_raise(uow, partner_id)
    for name, value in data.model_dump(exclude={"custom_fields"}).items():
        setattr(partner, name, value)
    uow.session.flush()
    if data.custom_fields is not None:
        customfields.set_values(uow, ENTITY, partner.id, data.custom_fields)
    return partner


# -- documents -------------------------------------------------------------------------------


def _store_file(storage: Path, upload: UploadedFile) -> tuple[str, int]:
    problem = file_problem(upload)
    if problem is not None:
        raise DocumentInvalid(problem)
    return store_file(storage, upload)


def add_document(uow: UnitOfWork, partner_id: int, data: DocumentWrite, *,
                 upload: UploadedFile | None = None, storage: Path | None = None
                 ) -> QualificationDocument:
    partner = get_partner_or_raise(uow, partner_id)
    if data.doc_type not in rules.DOC_TYPES:
        raise DocumentInvalid(f"unknown document type {data.doc_type}")
    if data.valid_from and data.valid_to and data.valid_from > data.valid_to:
        raise DocumentInvalid("valid_to is before valid_from")
    unknown = sorted(set(data.scope_classes) - set(catalog.CLASSES_CN))
    if unknown:
        raise DocumentInvalid(f"unknown device classes {', '.join(unknown)}")
    doc = QualificationDocument(partner_id=partner.id, withdrawn=False, **data.model_dump())
    if upload is not None:
        if storage is None:
            raise ValueError("a storage folder is needed for attached files")
        doc.file_sha256, doc.file_size = _store_file(storage, upload)
        doc.file_name, doc.file_type = upload.name[:255], upload.content_type
    uow.session.add(doc)
    uow.session.flush()
    return doc


def withdraw_document(uow: UnitOfWork, document_id: int) -> None:
    doc = uow.session.get(QualificationDocument, document_id)
    if doc is None:
        raise DocumentInvalid(f"no document {document_id}")
    doc.withdrawn = True
    uow.session.flush()


def doc_of(document: QualificationDocument) -> rules.Doc:
    return rules.Doc(document.doc_type, document.number, document.valid_from,
                     document.valid_to, tuple(document.scope_classes or ()), document.withdrawn)


def _docs(partner: Partner) -> list[rules.Doc]:
    return [doc_of(d) for d in partner.documents]


def qualification_of(uow: UnitOfWork, partner: Partner) -> str:
    return rules.partner_status(_docs(partner), uow.today(),
                                get_setting(uow, EXPIRY_WARNING_DAYS))


def qualifications_of(uow: UnitOfWork, partners: list[Partner]) -> dict[int, str]:
    """The qualification status of many partners (the warning horizon read once)."""
    today, warn = uow.today(), get_setting(uow, EXPIRY_WARNING_DAYS)
    return {p.id: rules.partner_status(_docs(p), today, warn) for p in partners}


def expiring_documents(uow: UnitOfWork, days: int, *, limit: int | None = None,
                       offset: int = 0
                       ) -> tuple[list[tuple[Partner, QualificationDocument]], int]:
    """Documents (not withdrawn) whose validity ends within ``days`` (or has ended), soonest
    first; and how many there are in all."""
    horizon = uow.today() + dt.timedelta(days=days)
    query = (
        select(Partner, QualificationDocument)
        .join(QualificationDocument, QualificationDocument.partner_id == Partner.id)
        .where(QualificationDocument.withdrawn.is_(False),
               QualificationDocument.valid_to.is_not(None),
               QualificationDocument.valid_to <= horizon)
    )
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(QualificationDocument.valid_to, Partner.code).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [(p, d) for p, d in uow.session.execute(query)], int(total)


# -- may we trade? ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TradeDecision:
    allowed: bool
    reasons: list[rules.Reason]

    def messages(self) -> list[dict[str, str]]:
        return [{"code": r.code, "message": gettext(r.message, **r.params)} for r in self.reasons]


def _approved(uow: UnitOfWork, kind: str, partner_id: int, item_id: int | None = None) -> bool:
    query = select(FirstApproval.id).where(
        FirstApproval.kind == kind, FirstApproval.partner_id == partner_id,
        FirstApproval.status == "approved")
    if item_id is not None:
        query = query.where(FirstApproval.item_id == item_id)
    return uow.session.scalar(query.limit(1)) is not None


def may_trade(uow: UnitOfWork, *, partner_id: int, item_id: int, direction: str
              ) -> TradeDecision:
    """May we buy this item from (``direction="buy"``) or sell it to (``"sell"``) the partner?"""
    partner = get_partner_or_raise(uow, partner_id)
    item = catalog.get_item_or_raise(uow, item_id)
    today = uow.today()
    reasons: list[rules.Reason] = []
    if not partner.active:
        reasons.append(rules.Reason("INACTIVE", N_("the partner is deactivated")))
    if direction == "buy":
        if not partner.is_supplier:
            reasons.append(rules.Reason("ROLE", N_("the partner is not a supplier")))
        needed = rules.required_for_buying(partner.is_manufacturer, item.class_cn)
        if not _approved(uow, "supplier", partner.id):
            reasons.append(rules.Reason("FIRST-APPROVAL",
                                        N_("no approved first-operation review of the supplier")))
        if not _approved(uow, "supplier_item", partner.id, item.id):
            reasons.append(rules.Reason(
                "FIRST-APPROVAL-ITEM",
                N_("no approved first-operation review of %(item)s from this supplier"),
                {"item": item.code}))
        listed = uow.session.scalar(select(ApprovedSupplier.id).where(
            ApprovedSupplier.item_id == item.id, ApprovedSupplier.partner_id == partner.id,
            ApprovedSupplier.active.is_(True)))
        if listed is None:
            reasons.append(rules.Reason("ASL", N_("not on the approved-supplier list of %(item)s"),
                                        {"item": item.code}))
    elif direction == "sell":
        if not partner.is_customer:
            reasons.append(rules.Reason("ROLE", N_("the partner is not a customer")))
        needed = rules.required_for_selling(partner.customer_type, item.class_cn)
        if not _approved(uow, "customer", partner.id):
            reasons.append(rules.Reason("FIRST-APPROVAL",
                                        N_("no approved first-operation review of the customer")))
    else:
        raise ValueError("direction is buy or sell")
    reasons += rules.missing_documents(_docs(partner), needed, item.class_cn, today)
    if item.registration_expiry is not None and item.registration_expiry < today:
        reasons.append(rules.Reason("REGISTRATION",
                                    N_("the registration certificate of %(item)s expired on "
                                       "%(date)s"),
                                    {"item": item.code, "date": str(item.registration_expiry)}))
    return TradeDecision(not reasons, reasons)


def ensure_may_trade(uow: UnitOfWork, *, partner_id: int, item_id: int, direction: str) -> None:
    decision = may_trade(uow, partner_id=partner_id, item_id=item_id, direction=direction)
    if not decision.allowed:
        messages = decision.messages()
        raise PartnerNotQualified("; ".join(m["message"] for m in messages),
                                  errors=[{"field": m["code"], "message": m["message"],
                                           "type": "qualification"} for m in messages])


# -- first-operation approval ----------------------------------------------------------------


def request_first_approval(uow: UnitOfWork, *, kind: str, partner_id: int,
                           item_id: int | None = None, notes: str = "",
                           actor: Actor | None = None) -> FirstApproval:
    if kind not in rules.FIRST_APPROVAL_KINDS:
        raise ApprovalStateError(f"kind is one of {', '.join(rules.FIRST_APPROVAL_KINDS)}")
    partner = get_partner_or_raise(uow, partner_id)
    if (kind == "supplier_item") != (item_id is not None):
        raise ApprovalStateError("an item is given exactly for supplier_item approvals")
    if item_id is not None:
        catalog.get_item_or_raise(uow, item_id)
    open_request = uow.session.scalar(select(FirstApproval.id).where(
        FirstApproval.kind == kind, FirstApproval.partner_id == partner.id,
        FirstApproval.item_id == item_id if item_id is not None
        else FirstApproval.item_id.is_(None),
        FirstApproval.status.in_(("pending", "approved"))))
    if open_request is not None:
        raise ApprovalStateError("an approval for this subject is already pending or approved")
    approval = FirstApproval(
        reference=f"FA-TMP-{partner.id}-{item_id or 0}-{uow.now().timestamp()}", kind=kind,
        partner_id=partner.id, item_id=item_id, status="pending", notes=notes,
        requested_by_id=actor.id if actor is not None and actor.kind == "user" else None,
        requested_at=uow.now())
    uow.session.add(approval)
    uow.session.flush()
    approval.reference = f"FA-{approval.id:06d}"
    uow.session.flush()
    return approval


def decide_first_approval(uow: UnitOfWork, approval_id: int, *, approve: bool, password: str,
                          actor: Actor, comment: str | None = None) -> FirstApproval:
    """QA signs: meaning "approved" (approval) or "reviewed" with status rejected."""
    approval = uow.session.get(FirstApproval, approval_id)
    if approval is None or approval.status != "pending":
        raise ApprovalStateError("only a pending approval can be decided")
    esign.sign(uow, record=approval, meaning="approved" if approve else "reviewed",
               password=password, actor=actor, comment=comment)
    if approve:
        esign.require_signatures(uow, approval)
    approval.status = "approved" if approve else "rejected"
    approval.decided_at = uow.now()
    if approve and approval.kind == "supplier_item" and approval.item_id is not None:
        row = uow.session.scalar(select(ApprovedSupplier).where(
            ApprovedSupplier.item_id == approval.item_id,
            ApprovedSupplier.partner_id == approval.partner_id))
        if row is None:
            uow.session.add(ApprovedSupplier(item_id=approval.item_id,
                                             partner_id=approval.partner_id,
                                             approval_id=approval.id, active=True,
                                             since=uow.today()))
        elif not row.active:  # back on the list (a listed supplier stays as it is)
            row.active, row.approval_id, row.since = True, approval.id, uow.today()
    uow.session.flush()
    uow.publish(events.FirstApprovalDecided(
        approval_id=approval.id, reference=approval.reference, kind=approval.kind,
        partner_id=approval.partner_id, item_id=approval.item_id, status=approval.status))
    return approval


def list_approvals(uow: UnitOfWork, *, status: str | None = None, kind: str | None = None,
                   partner_id: int | None = None, limit: int | None = None, offset: int = 0
                   ) -> tuple[list[FirstApproval], int]:
    """First-operation approvals matching every filter, newest first; and the total."""
    query = select(FirstApproval)
    if status:
        query = query.where(FirstApproval.status == status)
    if kind:
        query = query.where(FirstApproval.kind == kind)
    if partner_id is not None:
        query = query.where(FirstApproval.partner_id == partner_id)
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(FirstApproval.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(uow.session.scalars(query)), int(total)


# -- the approved-supplier list ----------------------------------------------------------------


@dataclass(frozen=True)
class ListedSupplier:
    """One entry of an approved-supplier list, with what pages and the API show of it."""

    entry: ApprovedSupplier
    partner: Partner
    item_code: str
    item_name_zh: str
    item_name_en: str
    approval_reference: str | None


def find_item_id(uow: UnitOfWork, text: str) -> int:
    """The item a person typed: its code, or a GTIN of one of its packaging levels."""
    item = catalog.get_item_by_code(uow, text) if text.strip() else None
    found = item or (catalog.find_by_gtin(uow, text) or (None,))[0]
    if found is None:
        raise catalog.ItemNotFound(f"no item {text}", errors=[
            {"field": "item", "message": gettext("no such item"), "type": "value_error"}])
    return found.id


def list_approved_suppliers(uow: UnitOfWork, *, item_id: int | None = None,
                            partner_id: int | None = None, active: bool | None = True,
                            limit: int | None = 50, offset: int = 0
                            ) -> tuple[list[ListedSupplier], int]:
    """Entries of the approved-supplier lists (of one item, one supplier, or all), newest
    first; ``active=None`` includes suppliers taken off a list."""
    query = select(ApprovedSupplier, Partner).join(
        Partner, Partner.id == ApprovedSupplier.partner_id)
    if item_id is not None:
        query = query.where(ApprovedSupplier.item_id == item_id)
    if partner_id is not None:
        query = query.where(ApprovedSupplier.partner_id == partner_id)
    if active is not None:
        query = query.where(ApprovedSupplier.active.is_(active))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(ApprovedSupplier.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = [(entry, partner) for entry, partner in uow.session.execute(query)]
    approvals = {a.id: a.reference for a in uow.session.scalars(select(FirstApproval).where(
        FirstApproval.id.in_({e.approval_id for e, _ in rows if e.approval_id})))}
    listed = []
    for entry, partner in rows:
        item = catalog.get_item_or_raise(uow, entry.item_id)  # identity map: once per item
        listed.append(ListedSupplier(entry, partner, item.code, item.name_zh, item.name_en,
                                     approvals.get(entry.approval_id or 0)))
    return listed, int(total)


def add_approved_supplier(uow: UnitOfWork, *, item_id: int, partner_id: int
                          ) -> ApprovedSupplier:
    """Put a supplier on an item's approved-supplier list: it must be an active supplier
    whose first-operation review (of the supplier, or of the supplier and this item) is
    approved. A supplier taken off the list earlier comes back on it."""
    catalog.get_item_or_raise(uow, item_id)
    partner = get_partner_or_raise(uow, partner_id)
    if not (partner.is_supplier and partner.active):
        raise ApprovedSupplierRefused(f"{partner.code} is not an active supplier")
    approval = uow.session.scalar(select(FirstApproval).where(
        FirstApproval.partner_id == partner.id, FirstApproval.status == "approved",
        or_(FirstApproval.kind == "supplier",
            (FirstApproval.kind == "supplier_item") & (FirstApproval.item_id == item_id)))
        .order_by(FirstApproval.kind.desc(), FirstApproval.id.desc()).limit(1))
    if approval is None:
        raise ApprovedSupplierRefused(
            f"{partner.code} has no approved first-operation review")
    row = uow.session.scalar(select(ApprovedSupplier).where(
        ApprovedSupplier.item_id == item_id, ApprovedSupplier.partner_id == partner.id))
    if row is not None and row.active:
        raise ApprovedSupplierRefused(f"{partner.code} is already on the list")
    if row is None:
        row = ApprovedSupplier(item_id=item_id, partner_id=partner.id)
        uow.session.add(row)
    row.active, row.approval_id, row.since = True, approval.id, uow.today()
    uow.session.flush()
    return row


def remove_approved_supplier(uow: UnitOfWork, entry_id: int) -> ApprovedSupplier:
    """Take a supplier off an item's list. The audit trail refuses it without a reason
    (``uow.context["reason"]``) and records the reason with the change."""
    row = uow.session.get(ApprovedSupplier, entry_id)
    if row is None or not row.active:
        raise ApprovedSupplierRefused(f"entry {entry_id} is not on an approved-supplier list")
    row.active = False
    uow.session.flush()
    return row
