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

#: what each built-in job role (platform/auth/roles.py) may do here: what a new plant starts
#: from (`medtrace roles init`) and what the demo users hold
ROLE_GRANTS = {
    # the keeper moves stock, opens and counts sheets; the supervisor (or QA) approves the
    # counts, posting their variances, so a count always has a second person
    "warehouse": [STOCK_VIEW, STOCK_MOVE, LOCATION_EDIT, COUNT_MANAGE, COUNT_PERFORM],
    "warehouse_lead": [STOCK_VIEW, STOCK_MOVE, STOCK_ADJUST, LOCATION_EDIT, COUNT_MANAGE,
                       MIN_STOCK_EDIT],
    "qa": [STOCK_VIEW, STOCK_MOVE, STOCK_ADJUST],
    "production": [STOCK_VIEW, STOCK_MOVE],  # line-side stock, issues, output
    "sales": [STOCK_VIEW],
    "service": [STOCK_VIEW, STOCK_MOVE],  # the vans: spare parts fitted in service
    "purchasing": [STOCK_VIEW],
}
