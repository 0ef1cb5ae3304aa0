from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

PARTNER_VIEW = declare("partners.partner.view", N_("View partners and their documents"))
PARTNER_EDIT = declare("partners.partner.edit", N_("Create and change partners and documents"))
APPROVAL_REQUEST = declare("partners.approval.request", N_("Request first-operation approvals"))
APPROVAL_DECIDE = declare("partners.approval.decide",
                          N_("Approve or reject first-operation approvals (QA)"))
ASL_EDIT = declare("partners.approved_supplier.edit",
                   N_("Put suppliers on and take them off items' approved-supplier lists"))

#: what each built-in job role (platform/auth/roles.py) may do here: what a new plant starts
#: from (`medtrace roles init`) and what the demo users hold
ROLE_GRANTS = {
    "warehouse": [PARTNER_VIEW],
    "warehouse_lead": [PARTNER_VIEW],
    "qa": [PARTNER_VIEW, APPROVAL_DECIDE, ASL_EDIT],
    "sales": [PARTNER_VIEW, PARTNER_EDIT, APPROVAL_REQUEST],
    "purchasing": [PARTNER_VIEW, PARTNER_EDIT, APPROVAL_REQUEST],
}
