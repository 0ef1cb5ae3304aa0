from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

ADMIN_WORKFLOWS = declare("platform.admin.workflows",
                          N_("Import, edit and submit workflow definitions"))
PUBLISH_WORKFLOWS = declare("platform.workflows.publish",
                            N_("Approve and publish workflow versions (e-signature)"))
REASSIGN_TASKS = declare("platform.workflows.reassign", N_("Reassign other people's tasks"))
DELEGATE_TASKS = declare("platform.workflows.delegate",
                         N_("Delegate one's own tasks for a while"))
