from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

ADMIN_WORKFLOWS = declare("platform.admin.workflows",
                          N_("Import, edit and submit workflow definitions"))
PUBLISH_WORKFLOWS = declare("platform.workflows.publish",
                            N_("Approve and publish workflow versions (e-signature)"))
REASSIGN_TASKS = declare("platform.workflows.reassign", N_("Reassign other people's tasks"))
DELEGATE_TASKS = declare("platform.workflows.delegate",
                         N_("Delegate one's own tasks for a while"))

#: the job roles whose people approve in the shipped workflows may hand their tasks on while
#: away; management may also give a stuck task to someone else
_APPROVERS = ("qa", "production", "purchasing", "finance", "engineering", "management",
              "warehouse_lead")
ROLE_GRANTS = {role: [DELEGATE_TASKS] for role in _APPROVERS}
ROLE_GRANTS["management"] = [DELEGATE_TASKS, REASSIGN_TASKS]
