"""Partners: suppliers, customers, manufacturers, qualifications, first-operation approval,
approved-supplier lists. The public face of the module, for the modules above it."""

from medtrace.modules.partners.errors import (
    ApprovalStateError,
    ApprovedSupplierRefused,
    DocumentInvalid,
    PartnerCodeTaken,
    PartnerInvalid,
    PartnerNotFound,
    PartnerNotQualified,
)
from medtrace.modules.partners.events import FirstApprovalDecided, PartnerCreated
from medtrace.modules.partners.queries import partner_codes, partner_ids_by_code
from medtrace.modules.partners.schemas import PartnerCreate, PartnerPage, PartnerRead, PartnerWrite
from medtrace.modules.partners.service import (
    ENTITY,
    TradeDecision,
    create_partner,
    ensure_may_trade,
    get_partner_by_code,
    get_partner_or_raise,
    list_approved_suppliers,
    list_partners,
    may_trade,
    qualification_of,
)

__all__ = [
    "ENTITY",
    "ApprovalStateError",
    "ApprovedSupplierRefused",
    "DocumentInvalid",
    "FirstApprovalDecided",
    "PartnerCodeTaken",
    "PartnerCreate",
    "PartnerCreated",
    "PartnerInvalid",
    "PartnerNotFound",
    "PartnerNotQualified",
    "PartnerPage",
    "PartnerRead",
    "PartnerWrite",
    "TradeDecision",
    "create_partner",
    "ensure_may_trade",
    "get_partner_by_code",
    "get_partner_or_raise",
    "list_approved_suppliers",
    "list_partners",
    "may_trade",
    "partner_codes",
    "partner_ids_by_code",
    "qualification_of",
]
