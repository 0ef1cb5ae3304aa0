from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

INSPECTION_VIEW = declare("quality.inspection.view",
                          N_("View inspections, sampling plans and nonconformances"))
INSPECTION_PERFORM = declare("quality.inspection.perform",
                             N_("Enter inspection results (inspector)"))
INSPECTION_DECIDE = declare("quality.inspection.decide",
                            N_("Release or reject inspected goods with an e-signature (QA)"))
PLAN_EDIT = declare("quality.plan.edit", N_("Edit items' inspection plans"))
SWITCHING_EDIT = declare("quality.switching.edit",
                         N_("Approve reduced inspection and resume discontinued inspection"))

#: what each built-in job role (platform/auth/roles.py) may do here
ROLE_GRANTS = {
    "warehouse": [INSPECTION_VIEW],
    "warehouse_lead": [INSPECTION_VIEW],
    "qa": [INSPECTION_VIEW, INSPECTION_PERFORM, INSPECTION_DECIDE, PLAN_EDIT, SWITCHING_EDIT],
    "purchasing": [INSPECTION_VIEW],
}

COMPLAINT_VIEW = declare("quality.complaint.view", N_("View complaints"))
COMPLAINT_CREATE = declare("quality.complaint.create",
                           N_("Record complaints (from customers, service visits, the field)"))
for _role, _grants in {"qa": [COMPLAINT_VIEW, COMPLAINT_CREATE],
                       "service": [COMPLAINT_VIEW, COMPLAINT_CREATE],
                       "sales": [COMPLAINT_VIEW, COMPLAINT_CREATE],
                       "management": [COMPLAINT_VIEW]}.items():
    ROLE_GRANTS.setdefault(_role, []).extend(_grants)
