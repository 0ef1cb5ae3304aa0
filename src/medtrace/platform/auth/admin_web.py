"""Administration pages for users and roles (the API offers the same through admin/*)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medtrace.platform.actor import Actor
from medtrace.platform.audit import history_context
from medtrace.platform.auth import permissions as perms
from medtrace.platform.auth import service
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action
from medtrace.platform.web.params import PathId
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])



def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status, **context)


def _lines(value: object) -> list[str]:
    return [part.strip() for part in str(value or "").replace(",", "\n").splitlines()
            if part.strip()]


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, _: Actor = perms.require(perms.ADMIN_USERS)) -> Response:
    with new_uow(request, write=False) as uow:
        rows = service.list_users(uow)
        return _page(request, "auth/admin_users.html", users=rows, now=uow.now())


def _user_form_context(request: Request, user_id: int | None) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        roles = service.list_roles(uow)
        user = service.get_user_or_raise(uow, user_id) if user_id else None
        values: dict[str, Any] = {}
        if user is not None:
            values = {
                "username": user.username, "printed_name": user.printed_name,
                "email": user.email or "", "language": user.language,
                "timezone": user.timezone, "active": user.active,
                "roles": [r.code for r in user.roles],
                "sites": "\n".join(s.site_code for s in user.sites),
            }
        trail = history_context(uow, user, request.state.locale) if user is not None else {}
        return {"roles": roles, "user": user, "values": values, **trail}


@router.get("/admin/users/new", response_class=HTMLResponse)
def new_user_form(request: Request, _: Actor = perms.require(perms.ADMIN_USERS)) -> Response:
    context = _user_form_context(request, None)
    context["values"] = {"language": "zh_CN", "active": True, "roles": []}
    return _page(request, "auth/admin_user_form.html", **context)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def edit_user_form(
    request: Request, user_id: PathId, _: Actor = perms.require(perms.ADMIN_USERS)
) -> Response:
    return _page(request, "auth/admin_user_form.html", **_user_form_context(request, user_id))


@router.post("/admin/users/new", response_class=HTMLResponse)
async def create_user(request: Request, _: Actor = perms.require(perms.ADMIN_USERS)) -> Response:
    form = await request.form()
    values = {
        "username": str(form.get("username", "")),
        "printed_name": str(form.get("printed_name", "")),
        "email": str(form.get("email", "")), "language": str(form.get("language", "zh_CN")),
        "roles": [str(v) for v in form.getlist("roles")], "sites": _lines(form.get("sites")),
    }
    password = str(form.get("password", ""))

    user_id, problem = await form_action(request, lambda uow: service.create_user(
        uow, password=password, temporary_password=True, **values).id)
    if problem is None:
        return RedirectResponse(f"/admin/users/{user_id}?saved=1", status_code=303)
    context = _user_form_context(request, None)
    context["values"] = {**values, "sites": "\n".join(values["sites"]), "active": True}
    return _page(request, "auth/admin_user_form.html", status=422, **context, **problem)


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
async def update_user(
    request: Request, user_id: PathId, _: Actor = perms.require(perms.ADMIN_USERS)
) -> Response:
    form = await request.form()
    password = str(form.get("password", ""))

    def action(uow: UnitOfWork) -> None:
        user = service.get_user_or_raise(uow, user_id)
        service.update_user(
            uow, user, printed_name=str(form.get("printed_name", "")),
            email=str(form.get("email", "")), language=str(form.get("language", "")),
            timezone=str(form.get("timezone", "")) or None,
            active=form.get("active") == "on",
            roles=[str(v) for v in form.getlist("roles")],
            sites=_lines(form.get("sites")),
        )
        if password:
            service.set_password(uow, user, password, temporary=True)

    _, problem = await form_action(request, action, reason=str(form.get("reason", "")) or None)
    if problem is None:
        return RedirectResponse(f"/admin/users/{user_id}?saved=1", status_code=303)
    context = _user_form_context(request, user_id)
    return _page(request, "auth/admin_user_form.html", status=422, **context, **problem)


@router.get("/admin/roles", response_class=HTMLResponse)
def roles(request: Request, _: Actor = perms.require(perms.ADMIN_ROLES)) -> Response:
    with new_uow(request, write=False) as uow:
        return _page(request, "auth/admin_roles.html", roles=service.list_roles(uow),
                     catalog=perms.permission_catalog())


@router.post("/admin/roles", response_class=HTMLResponse)
async def save_role(request: Request, _: Actor = perms.require(perms.ADMIN_ROLES)) -> Response:
    form = await request.form()

    _, problem = await form_action(request, lambda uow: service.save_role(
        uow, code=str(form.get("code", "")).strip(),
        name_zh=str(form.get("name_zh", "")).strip(),
        name_en=str(form.get("name_en", "")).strip(),
        description=str(form.get("description", "")),
        permissions=[str(v) for v in form.getlist("permissions")],
        grants_all=form.get("grants_all") == "on",
    ))
    if problem is None:
        return RedirectResponse("/admin/roles?saved=1", status_code=303)
    with new_uow(request, write=False) as uow:
        return _page(request, "auth/admin_roles.html", status=422,
                     roles=service.list_roles(uow), catalog=perms.permission_catalog(),
                     **problem)
