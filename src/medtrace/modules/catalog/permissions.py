from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

ITEM_VIEW = declare("catalog.item.view", N_("View items"))
ITEM_EDIT = declare("catalog.item.edit", N_("Create and change items"))
ITEM_STATUS = declare("catalog.item.status", N_("Activate and retire items"))
