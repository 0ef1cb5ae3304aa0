"""Partners: suppliers, customers, manufacturers, qualifications, first-operation approval.
The public face of the module, for the modules above it."""

from medtrace.modules.partners.lookups import partner_codes, partner_ids_by_code

__all__ = ["partner_codes", "partner_ids_by_code"]
