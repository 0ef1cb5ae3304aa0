from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

ADMIN_NUMBERING = declare("platform.admin.numbering", N_("Define lot and serial numbering rules"))
