from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

PARTNER_VIEW = declare("partners.partner.view", N_("View partners and their documents"))
PARTNER_EDIT = declare("partners.partner.edit", N_("Create and change partners and documents"))
APPROVAL_REQUEST = declare("partners.approval.request", N_("Request first-operation approvals"))
APPROVAL_DECIDE = declare("partners.approval.decide",
                          N_("Approve or reject first-operation approvals (QA)"))
ASL_EDIT = declare("partners.approved_supplier.edit",
                   N_("Put suppliers on and take them off items' approved-supplier lists"))
