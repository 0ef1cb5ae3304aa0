from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

VIEW = declare("production.order.view", N_("View BOMs, routings, equipment, work orders and device "
                                     "history records"))
BOM_EDIT = declare("production.bom.edit", N_("Draft BOM versions and routings, submit them for "
                                             "engineering change review"))
EQUIPMENT_EDIT = declare("production.equipment.edit",
                         N_("Edit work centres and equipment, record calibration and "
                            "maintenance"))
ORDER_PLAN = declare("production.order.plan",
                     N_("Plan, release, re-sequence, close and cancel work orders"))
ORDER_EXECUTE = declare("production.order.execute",
                        N_("Issue and return material, record operations, checks and output, "
                           "print labels, complete work orders"))
SUBSTITUTE_APPROVE = declare("production.substitute.approve",
                             N_("Approve a BOM substitute for a work order (signed)"))
DISPOSITION = declare("production.check.disposition",
                      N_("Decide what is done about a failed in-process check (signed)"))
BATCH_RELEASE = declare("production.batch.release",
                        N_("Review the device history record and release a batch (signed)"))

#: what each built-in job role may do here
ROLE_GRANTS = {
    "production": [VIEW, ORDER_PLAN, ORDER_EXECUTE],
    "engineering": [VIEW, BOM_EDIT, EQUIPMENT_EDIT, SUBSTITUTE_APPROVE],
    "qa": [VIEW, SUBSTITUTE_APPROVE, DISPOSITION, BATCH_RELEASE],
    "warehouse": [VIEW],
    "warehouse_lead": [VIEW],
    "management": [VIEW],
}
