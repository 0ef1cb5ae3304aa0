"""Partners: suppliers, customers, manufacturers, qualifications, first-operation approval,
approved-supplier lists. The public face of the module, for the modules above it.

The names are imported on first use (``platform.modules.public_face``), so that importing
the package (its descriptor, its command line) costs nothing of its models and services."""

from medtrace.platform.modules import public_face

__all__, __getattr__, __dir__ = public_face(__name__, {
    "errors": ["ApprovalStateError", "ApprovedSupplierRefused", "DocumentInvalid",
        "PartnerCodeTaken", "PartnerInvalid", "PartnerNotFound", "PartnerNotQualified"],
    "events": ["FirstApprovalDecided", "PartnerCreated"],
    "queries": ["partner_codes", "partner_ids_by_code"],
    "schemas": ["DocumentWrite", "PartnerCreate", "PartnerPage", "PartnerRead", "PartnerWrite"],
    "service": ["ENTITY", "TradeDecision", "add_document", "create_partner",
        "decide_first_approval",
        "ensure_may_trade",
        "get_partner_by_code", "get_partner_or_raise", "list_approved_suppliers",
        "list_partners", "may_trade", "qualification_of", "request_first_approval"],
})
