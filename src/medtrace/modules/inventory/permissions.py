from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

STOCK_VIEW = declare("inventory.stock.view", N_("View locations, stock on hand and moves"))
STOCK_MOVE = declare("inventory.stock.move", N_("Post stock moves (transfers, issues, shipments)"))
STOCK_ADJUST = declare("inventory.stock.adjust",
                       N_("Post stock adjustments and reverse moves, with a reason"))
LOCATION_EDIT = declare("inventory.location.edit", N_("Create and change locations"))
