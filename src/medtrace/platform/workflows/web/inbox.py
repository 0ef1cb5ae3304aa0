"""The task inbox (`/tasks`) and one task's page (`/tasks/{id}`): what is asked, the record,
the history of its workflow with signatures, and the form that decides the task (asking for
the e-signature there when the step needs one)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medtrace.platform.actor import Actor
from medtrace.platform.audit import signature_rows
from medtrace.platform.auth.permissions import require_signed_in
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.esign import signatures_for
from medtrace.platform.i18n import N_
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action
from medtrace.platform.web.params import PathId
from medtrace.platform.web.templating import render
from medtrace.platform.workflows import queries, service

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

#: the words of the usual decisions (a step may offer its own codes)
DECISIONS = {"approve": N_("Approve"), "reject": N_("Reject"), "accept": N_("Accept"),
             "rework": N_("Rework"), "scrap": N_("Scrap")}
MAX_FIELD = 500


@router.get("/tasks", response_class=HTMLResponse)
def inbox_page(request: Request, actor: Actor = require_signed_in()) -> Response:
    with new_uow(request, write=False) as uow:
        items = queries.inbox(uow, actor, request.state.locale)
        return render(request.app.state.templates, request, "workflows/inbox.html",
                      items=items, decisions=DECISIONS)


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
                  values=context.pop("values", {}), **context)


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
