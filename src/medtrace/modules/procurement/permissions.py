from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

ORDER_VIEW = declare("procurement.order.view",
                     N_("View requisitions, purchase orders, receipts and supplier performance"))
REQUISITION_EDIT = declare("procurement.requisition.edit", N_("Create purchase requisitions"))
ORDER_EDIT = declare("procurement.order.edit",
                     N_("Create, submit, amend, cancel and close purchase orders"))
RECEIVE = declare("procurement.receipt.post", N_("Receive deliveries against purchase orders"))
RETURN = declare("procurement.return.post", N_("Return rejected goods to the supplier"))

#: what each built-in job role may do here
ROLE_GRANTS = {
    "purchasing": [ORDER_VIEW, REQUISITION_EDIT, ORDER_EDIT],
    "finance": [ORDER_VIEW],
    "warehouse": [ORDER_VIEW, RECEIVE, RETURN],
    "warehouse_lead": [ORDER_VIEW, RECEIVE, RETURN],
    "qa": [ORDER_VIEW],
    "production": [REQUISITION_EDIT],
}
