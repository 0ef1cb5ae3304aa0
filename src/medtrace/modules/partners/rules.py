"""Pure qualification rules (NMPA GSP supplier and customer control): which documents a
partner needs for a trade, whether a document is valid and covers a device class."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from medtrace.platform.i18n import N_

DOC_TYPES = {
    "business_licence": N_("Business licence"),
    "manufacturing_licence": N_("Device manufacturing licence"),
    "manufacturing_filing": N_("Class I manufacturing filing"),
    "distribution_licence": N_("Device distribution licence (class III)"),
    "distribution_filing": N_("Class II distribution filing"),
    "medical_institution_licence": N_("Medical institution practice licence"),
    "registration_certificate": N_("Registration certificate"),
    "quality_agreement": N_("Quality agreement"),
    "other": N_("Other document"),
}
#: documents whose scope (device classes) must cover the item traded
SCOPED = {"manufacturing_licence", "manufacturing_filing", "distribution_licence",
          "distribution_filing"}
CUSTOMER_TYPES = ("distributor", "hospital", "other")
QUALIFICATION_LABELS = {"qualified": N_("qualified"), "expiring": N_("expiring soon"),
                        "expired": N_("expired"), "missing": N_("documents missing")}
APPROVAL_LABELS = {"pending": N_("pending"), "approved": N_("approved"),
                   "rejected": N_("rejected")}
KIND_LABELS = {"supplier": N_("supplier"), "customer": N_("customer"),
               "supplier_item": N_("supplier and item")}
FIRST_APPROVAL_KINDS = ("supplier", "customer", "supplier_item")


@dataclass(frozen=True)
class Doc:
    doc_type: str
    number: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    scope_classes: tuple[str, ...] = ()
    withdrawn: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    message: str  # msgid with %(name)s parameters
    params: dict[str, str] = field(default_factory=dict)


def is_valid(doc: Doc, today: dt.date) -> bool:
    if doc.withdrawn:
        return False
    if doc.valid_from is not None and doc.valid_from > today:
        return False
    return doc.valid_to is None or doc.valid_to >= today


def covers(doc: Doc, device_class: str | None) -> bool:
    if doc.doc_type not in SCOPED or device_class is None:
        return True
    return device_class in doc.scope_classes


def required_for_buying(is_manufacturer: bool, device_class: str | None) -> list[set[str]]:
    """Each set: one valid document of any of these types is needed."""
    needed = [{"business_licence"}, {"quality_agreement"}]
    if is_manufacturer:
        needed.append({"manufacturing_filing", "manufacturing_licence"} if device_class == "I"
                      else {"manufacturing_licence"})
    elif device_class == "III":
        needed.append({"distribution_licence"})
    elif device_class == "II":
        needed.append({"distribution_filing", "distribution_licence"})
    return needed


def required_for_selling(customer_type: str | None, device_class: str | None) -> list[set[str]]:
    if customer_type == "hospital":
        return [{"medical_institution_licence"}]
    needed = [{"business_licence"}]
    if device_class == "III":
        needed.append({"distribution_licence"})
    elif device_class == "II":
        needed.append({"distribution_filing", "distribution_licence"})
    return needed


def missing_documents(
    docs: list[Doc], needed: list[set[str]], device_class: str | None, today: dt.date
) -> list[Reason]:
    reasons = []
    for kinds in needed:
        candidates = [d for d in docs if d.doc_type in kinds]
        if any(is_valid(d, today) and covers(d, device_class) for d in candidates):
            continue
        label = " / ".join(sorted(kinds))
        valid = [d for d in candidates if is_valid(d, today)]
        if valid:
            reasons.append(Reason("SCOPE", N_("%(doc)s %(number)s does not cover class %(cls)s"),
                                  {"doc": label, "number": valid[0].number,
                                   "cls": device_class or "?"}))
        elif candidates:
            latest = max(candidates, key=lambda d: d.valid_to or dt.date.max)
            reasons.append(Reason("EXPIRED", N_("%(doc)s %(number)s expired on %(date)s"),
                                  {"doc": label, "number": latest.number,
                                   "date": str(latest.valid_to)}))
        else:
            reasons.append(Reason("MISSING", N_("no valid %(doc)s on file"), {"doc": label}))
    return reasons


def partner_status(docs: list[Doc], today: dt.date, warn_days: int) -> str:
    """qualified | expiring | expired | missing, from the documents on file."""
    live = [d for d in docs if not d.withdrawn]
    if not any(d.doc_type in ("business_licence", "medical_institution_licence") for d in live):
        return "missing"
    by_type: dict[str, list[Doc]] = {}
    for doc in live:
        by_type.setdefault(doc.doc_type, []).append(doc)
    if any(not any(is_valid(d, today) for d in group) for group in by_type.values()):
        return "expired"
    horizon = today + dt.timedelta(days=warn_days)
    for group in by_type.values():
        best = max((d.valid_to or dt.date.max) for d in group if is_valid(d, today))
        if best <= horizon:
            return "expiring"
    return "qualified"
