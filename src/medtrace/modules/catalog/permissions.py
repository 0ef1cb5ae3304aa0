from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

ITEM_VIEW = declare("catalog.item.view", N_("View items"))
ITEM_EDIT = declare("catalog.item.edit", N_("Create and change items"))
ITEM_STATUS = declare("catalog.item.status", N_("Activate and retire items"))

#: what each built-in job role (platform/auth/roles.py) may do here: what a new plant starts
#: from (`medtrace roles init`) and what the demo users hold
ROLE_GRANTS = {
    "warehouse": [ITEM_VIEW],
    "warehouse_lead": [ITEM_VIEW],
    "qa": [ITEM_VIEW, ITEM_STATUS],
    "production": [ITEM_VIEW],
    "sales": [ITEM_VIEW],
    "service": [ITEM_VIEW],
    "purchasing": [ITEM_VIEW, ITEM_EDIT],
}
