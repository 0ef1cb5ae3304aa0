from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

VIEW = declare("sales.order.view",
               N_("View customers' sales terms, price lists, sales orders, shipments and returns"))
CUSTOMER_EDIT = declare("sales.customer.edit",
                        N_("Edit customers' sales terms, ship-to addresses and shelf-life rules"))
PRICE_EDIT = declare("sales.price.edit", N_("Edit the price list"))
ORDER_EDIT = declare("sales.order.edit",
                     N_("Create quotations and sales orders, confirm and cancel them"))
PICK = declare("sales.order.pick", N_("Allocate, pick and pack sales orders"))
SHIP = declare("sales.shipment.post", N_("Ship sales orders and record deliveries"))
RETURN = declare("sales.return.post", N_("Receive customer returns"))
DISPOSITION = declare("sales.return.disposition",
                      N_("Release returned goods back to stock or scrap them (QA)"))

#: what each built-in job role may do here
ROLE_GRANTS = {
    "sales": [VIEW, CUSTOMER_EDIT, PRICE_EDIT, ORDER_EDIT],
    "finance": [VIEW],
    "management": [VIEW],
    "warehouse": [VIEW, PICK, SHIP, RETURN],
    "warehouse_lead": [VIEW, PICK, SHIP, RETURN],
    "qa": [VIEW, DISPOSITION],
    "service": [VIEW, RETURN],
}
