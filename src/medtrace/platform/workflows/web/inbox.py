"""The task inbox (`/tasks`) and one task's page (`/tasks/{id}`): what is asked, the record,
the history of its workflow with signatures, and the form that decides the task (asking for
the e-signature there when the step needs one)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticValidationError

from medtrace.platform.actor import Actor
from medtrace.platform.audit import signature_rows
from medtrace.platform.auth.permissions import require_signed_in
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.esign import signatures_for
from medtrace.platform.i18n import N_, current_locale
from medtrace.platform.i18n.validation import message as validation_message
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action
from medtrace.platform.web.params import PathId
from medtrace.platform.web.templating import render
from medtrace.platform.workflows import delegations, queries, service
from medtrace.platform.workflows.errors import DelegationInvalid, NotYourTask
from medtrace.platform.workflows.permissions import DELEGATE_TASKS, REASSIGN_TASKS
from medtrace.platform.workflows.schemas import DelegationIn, ReassignIn

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

#: the words of the usual decisions (a step may offer its own codes)
DECISIONS = {"approve": N_("Approve"), "reject": N_("Reject"), "accept": N_("Accept"),
             "rework": N_("Rework"), "scrap": N_("Scrap")}
MAX_FIELD = 500


def _inbox(request: Request, uow: UnitOfWork, actor: Actor, status: int = 200,
           **context: Any) -> HTMLResponse:
    items = queries.inbox(uow, actor, request.state.locale)
    return render(request.app.state.templates, request, "workflows/inbox.html",
                  status_code=status, items=items, decisions=DECISIONS,
                  delegations=delegations.delegations_of(uow, actor),
                  may_delegate=actor.can(DELEGATE_TASKS), may_reassign=actor.can(REASSIGN_TASKS),
                  values=context.pop("values", {}), **context)


@router.get("/tasks", response_class=HTMLResponse)
def inbox_page(request: Request, actor: Actor = require_signed_in()) -> Response:
    with new_uow(request, write=False) as uow:
        return _inbox(request, uow, actor)


def _schema(build: Any, error: type[DelegationInvalid | NotYourTask]) -> Any:
    """Build the input schema from a form; a refused field is a field problem in the user's
    language."""
    try:
        return build()
    except PydanticValidationError as exc:
        raise error("the form is not valid", errors=[
            {"field": str(e["loc"][-1]) if e["loc"] else "",
             "message": validation_message(e["type"], e.get("ctx"), current_locale())}
            for e in exc.errors()]) from None


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v)[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}


@router.post("/tasks/delegations", response_class=HTMLResponse)
async def delegate(request: Request, actor: Actor = require_signed_in()) -> Response:
    """Hand my tasks to someone for a while (the times are the plant's local time)."""
    values = await _form(request)

    def action(uow: UnitOfWork) -> int:
        data = _schema(lambda: DelegationIn(
            to_user=values.get("to_user", ""), from_user=values.get("from_user") or None,
            starts_at=values.get("starts_at", ""), ends_at=values.get("ends_at", ""),
            reason=values.get("reason", "")), DelegationInvalid)
        return delegations.delegate(uow, data=data, actor=actor).id

    _done, problem = await form_action(request, action, reason=values.get("reason") or None)
    if problem is None:
        return RedirectResponse("/tasks?delegated=1", status_code=303)
    with new_uow(request, write=False) as uow:
        return _inbox(request, uow, actor, status=422, values=values, **problem)


@router.post("/tasks/delegations/{delegation_id}/end", response_class=HTMLResponse)
async def end_delegation(request: Request, delegation_id: PathId,
                         actor: Actor = require_signed_in()) -> Response:
    def action(uow: UnitOfWork) -> int:
        return delegations.end_delegation(uow, delegation_id=delegation_id, actor=actor).id

    _done, problem = await form_action(request, action)
    if problem is None:
        return RedirectResponse("/tasks?ended=1", status_code=303)
    with new_uow(request, write=False) as uow:
        return _inbox(request, uow, actor, status=422, **problem)


def _task_page(request: Request, uow: UnitOfWork, task_id: int, actor: Actor,
               status: int = 200, **context: Any) -> HTMLResponse:
    task, instance = queries.task_or_raise(uow, task_id)
    item = queries.describe(uow, [(task, instance)], request.state.locale)[0]
    record = queries.record_workflow(uow, instance.record_type, instance.record_id, actor,
                                     request.state.locale)
    signed = {t.task.id: signature_rows(uow, signatures_for(uow, t.task), request.state.locale)
              for t in record.done + record.open}
    return render(request.app.state.templates, request, "workflows/task.html",
                  status_code=status, item=item, record=record, signed=signed,
                  may=task.id in record.actionable, decisions=DECISIONS,
                  may_reassign=actor.can(REASSIGN_TASKS),
                  values=context.pop("values", {}),
                  reassign_values=context.pop("reassign_values", {}), **context)


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, task_id: PathId, actor: Actor = require_signed_in()
              ) -> Response:
    with new_uow(request, write=False) as uow:
        return _task_page(request, uow, task_id, actor)


@router.post("/tasks/{task_id}", response_class=HTMLResponse)
async def decide(request: Request, task_id: PathId, actor: Actor = require_signed_in()
                 ) -> Response:
    form = await request.form()
    values = {k: str(v)[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}
    data = {k[len("field."):]: v for k, v in values.items() if k.startswith("field.")}

    def action(uow: UnitOfWork) -> int:
        return service.complete_task(uow, task_id=task_id, decision=values.get("decision", ""),
                                     actor=actor, data=data,
                                     password=values.get("password") or None,
                                     comment=values.get("comment") or None).id

    _done, problem = await form_action(request, action)
    if problem is None:
        return RedirectResponse(f"/tasks?done={task_id}", status_code=303)
    values.pop("password", None)
    with new_uow(request, write=False) as uow:
        return _task_page(request, uow, task_id, actor, status=422, values=values, **problem)


@router.post("/tasks/{task_id}/reassign", response_class=HTMLResponse)
async def reassign(request: Request, task_id: PathId, actor: Actor = require_signed_in()
                   ) -> Response:
    """An administrator gives the task to one person, with the reason."""
    values = await _form(request)

    def action(uow: UnitOfWork) -> int:
        data = _schema(lambda: ReassignIn(username=values.get("username") or None,
                                          reason=values.get("reason", "")), NotYourTask)
        return delegations.reassign_task(uow, task_id=task_id, data=data, actor=actor).id

    _done, problem = await form_action(request, action, reason=values.get("reason") or None)
    if problem is None:
        return RedirectResponse(f"/tasks/{task_id}?reassigned=1", status_code=303)
    with new_uow(request, write=False) as uow:
        return _task_page(request, uow, task_id, actor, status=422,
                          reassign_values=values, **problem)
