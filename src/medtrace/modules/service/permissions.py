from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

VIEW = declare("service.order.view",
               N_("View the installed base, service orders and follow-up visits"))
INSTALL = declare("service.installation.record",
                  N_("Record installations at customers' sites and their acceptance"))
ORDER_EDIT = declare("service.order.edit",
                     N_("Create, schedule, assign, cancel and close service orders"))
WORK = declare("service.order.work",
               N_("Work on service orders: replace parts, record versions, complete and sign "
                  "the report (technician)"))
VISIT = declare("service.visit.record", N_("Schedule and record follow-up visits"))
SETUP = declare("service.setup.edit",
                N_("Edit warranty terms and preventive maintenance intervals"))

#: what each built-in job role may do here
ROLE_GRANTS = {
    "service": [VIEW, INSTALL, ORDER_EDIT, WORK, VISIT],
    "management": [VIEW, SETUP],
    "qa": [VIEW],
    "sales": [VIEW, VISIT],
}
