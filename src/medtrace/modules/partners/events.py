"""Events of the partners module (see ``medtrace.platform.events`` and docs/events.md).

- ``PartnerCreated``: a new supplier, customer or manufacturer.
- ``FirstApprovalDecided``: QA signed a first-operation approval (首营审核) of a partner or a
  supplier-item pair, approving or rejecting it; an approved supplier-item pair is on the
  approved-supplier list from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.platform.events import Event


@dataclass(frozen=True)
class PartnerCreated(Event):
    type = "partners.partner.created"
    version = 1

    partner_id: int
    code: str
    is_supplier: bool
    is_customer: bool
    is_manufacturer: bool


@dataclass(frozen=True)
class FirstApprovalDecided(Event):
    type = "partners.first_approval.decided"
    version = 1

    approval_id: int
    reference: str
    kind: str
    partner_id: int
    item_id: int | None
    status: str  # approved | rejected
