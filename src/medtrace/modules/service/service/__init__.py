"""Service write actions: one function per action, which the API, the pages, the CLI and the
worker all call (installations, service orders, replacements, versions, follow-up visits,
warranty terms and maintenance plans, preventive maintenance falling due)."""

from medtrace.modules.service.service.common import (
    active_installation,
    get_order_or_raise,
    read_unit,
    shipped_on,
    warranty_of,
)
from medtrace.modules.service.service.installations import (
    FORMS_FOLDER,
    add_acceptance_form,
    get_installation_or_raise,
    record_installation,
    set_version,
)
from medtrace.modules.service.service.orders import (
    change_status,
    close_order,
    complete_order,
    create_order,
    schedule_order,
    update_version,
)
from medtrace.modules.service.service.replacements import replace_part
from medtrace.modules.service.service.schedule import due_units, generate_preventive_orders
from medtrace.modules.service.service.setup import save_maintenance_plan, save_warranty_term
from medtrace.modules.service.service.visits import (
    cancel_visit,
    create_visit,
    get_visit_or_raise,
    record_visit,
)

__all__ = [
    "FORMS_FOLDER",
    "active_installation",
    "add_acceptance_form",
    "cancel_visit",
    "change_status",
    "close_order",
    "complete_order",
    "create_order",
    "create_visit",
    "due_units",
    "generate_preventive_orders",
    "get_installation_or_raise",
    "get_order_or_raise",
    "get_visit_or_raise",
    "read_unit",
    "record_installation",
    "record_visit",
    "replace_part",
    "save_maintenance_plan",
    "save_warranty_term",
    "schedule_order",
    "set_version",
    "shipped_on",
    "update_version",
    "warranty_of",
]
