from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

STOCK_VIEW = declare("inventory.stock.view", N_("View locations, stock on hand and moves"))
STOCK_MOVE = declare("inventory.stock.move", N_("Post stock moves (transfers, issues, shipments)"))
STOCK_ADJUST = declare("inventory.stock.adjust",
                       N_("Post stock adjustments and reverse moves, with a reason"))
LOCATION_EDIT = declare("inventory.location.edit", N_("Create and change locations"))

# Cycle counts and minimum stock (counts.py, alerts.py). A counter's role should not also hold
# inventory.stock.view, or the counts are not blind (the balances show what to expect).
COUNT_MANAGE = declare("inventory.count.manage", N_("Create count sheets and start counting"))
COUNT_PERFORM = declare("inventory.count.perform",
                        N_("Count stock blind on a count sheet and submit it"))
MIN_STOCK_EDIT = declare("inventory.minstock.edit", N_("Set minimum stock levels per site"))
