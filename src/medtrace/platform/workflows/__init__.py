"""Workflows: approvals as versioned BPMN 2.0 processes run by SpiffWorkflow, conditions in
CEL, e-signed steps, delegation and escalation (docs/workflows.md).

A kind of record opts in with ``register_record_type``; service tasks call actions registered
with ``register_action``. Everything an action changes commits with the record's transaction."""

from medtrace.platform.workflows import permissions  # noqa: F401 - declares the codes
from medtrace.platform.workflows.delegations import delegate, end_delegation, reassign_task
from medtrace.platform.workflows.errors import (
    DelegationInvalid,
    NotYourTask,
    RecordTypeUnknown,
    TaskInputInvalid,
    WorkflowInvalid,
    WorkflowNotFound,
    WorkflowSamePerson,
    WorkflowStateConflict,
)
from medtrace.platform.workflows.rules import InstanceStatus, TaskStatus, VersionStatus
from medtrace.platform.workflows.service import (
    RecordFacts,
    RecordType,
    complete_task,
    eligible,
    import_version,
    publish_version,
    published_version,
    read_diagram,
    register_action,
    register_record_type,
    run_timers,
    start_instance,
    submit_version,
)

__all__ = [
    "DelegationInvalid",
    "InstanceStatus",
    "NotYourTask",
    "RecordFacts",
    "RecordType",
    "RecordTypeUnknown",
    "TaskInputInvalid",
    "TaskStatus",
    "VersionStatus",
    "WorkflowInvalid",
    "WorkflowNotFound",
    "WorkflowSamePerson",
    "WorkflowStateConflict",
    "complete_task",
    "delegate",
    "eligible",
    "end_delegation",
    "import_version",
    "publish_version",
    "published_version",
    "read_diagram",
    "reassign_task",
    "register_action",
    "register_record_type",
    "run_timers",
    "start_instance",
    "submit_version",
]
