"""Typed errors of the workflow engine."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class WorkflowInvalid(DomainError):
    code = "MT-WORKFLOW-INVALID"
    status = 422
    title = N_("The workflow diagram cannot be used.")
    help = ("The BPMN file is not well-formed, holds elements MedTrace does not run (script "
            "tasks, sub-processes...), conditions that are not CEL over record and decisions, "
            "unreachable elements, dead ends, user tasks without a permission or roles, or "
            "exclusive gateways whose conditions may not cover every case; `errors` names each "
            "element.")


class WorkflowNotFound(DomainError):
    code = "MT-WORKFLOW-NOT-FOUND"
    status = 404
    title = N_("Workflow not found.")
    help = "No workflow definition, version, instance or task with this key or id."


class RecordTypeUnknown(DomainError):
    code = "MT-WORKFLOW-RECORD-TYPE"
    status = 422
    title = N_("No such kind of record can run a workflow.")
    help = "The record type has not opted in to workflows (see docs/workflows.md)."


class WorkflowStateConflict(DomainError):
    code = "MT-WORKFLOW-STATE"
    status = 409
    title = N_("The workflow is not in a state that allows this.")
    help = ("A version that is not a draft cannot be submitted, one that is not submitted "
            "cannot be published, a record already has a running workflow, no version is "
            "published, or the task is no longer open.")


class NotYourTask(DomainError):
    code = "MT-WORKFLOW-NOT-YOUR-TASK"
    status = 403
    title = N_("This task is not yours to complete.")
    help = ("The task is assigned to other people or roles, or needs a permission you lack; "
            "a delegation counts only inside its time box.")


class TaskInputInvalid(DomainError):
    code = "MT-WORKFLOW-TASK-INPUT"
    status = 422
    title = N_("The task cannot be completed with this input.")
    help = "The decision is not one the step offers, or a field the step requires is empty."


class WorkflowSamePerson(DomainError):
    code = "MT-WORKFLOW-SAME-PERSON"
    status = 422
    title = N_("The same person may not do both steps.")
    help = ("The step requires someone other than the record's author, or other than who did "
            "the previous step.")


class DelegationInvalid(DomainError):
    code = "MT-WORKFLOW-DELEGATION"
    status = 422
    title = N_("The delegation is not valid.")
    help = "It must end after it starts, last at most 90 days, and go to another active user."
