from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

ADMIN_CUSTOM_FIELDS = declare("platform.admin.customfields", N_("Define custom fields"))
