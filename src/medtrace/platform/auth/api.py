"""Token endpoint (OAuth2 password, client-credentials and refresh-token grants) and the
administration API for users, roles, permissions and API clients."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse

from medtrace.platform.actor import Actor
from medtrace.platform.auth import permissions as perms
from medtrace.platform.auth import service, tokens
from medtrace.platform.auth.errors import Forbidden, PasswordExpired, UnsupportedGrant
from medtrace.platform.auth.schemas import (
    ClientCreate,
    ClientCreated,
    ClientRead,
    Me,
    PasswordSet,
    RoleRead,
    RoleWrite,
    TokenResponse,
    UserCreate,
    UserRead,
    UserUpdate,
)
from medtrace.platform.i18n import translate
from medtrace.platform.web.deps import client_ip, new_uow
from medtrace.platform.web.openapi import problems
from medtrace.platform.web.params import PathId

router = APIRouter(prefix="/api/v1", tags=["auth"])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _sep, secret = base64.b64decode(value).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


@router.post(
    "/auth/token",
    operation_id="issueToken",
    response_model=TokenResponse,
    responses=problems(401, 423, 429),
    summary="OAuth2 token endpoint (password, client_credentials, refresh_token grants)",
    dependencies=[perms.public()],
)
def token(
    request: Request,
    grant_type: str = Form(...),
    username: str | None = Form(None),
    password: str | None = Form(None),
    client_id: str | None = Form(None),
    client_secret: str | None = Form(None),
    refresh_token: str | None = Form(None),
    scope: str | None = Form(None),
) -> JSONResponse:
    secret_key = request.app.state.secret_key
    ip = client_ip(request)
    if grant_type == "password":
        with new_uow(request) as uow:
            outcome = service.attempt_login(
                uow, username=username or "", password=password or "", channel="api", ip=ip,
                user_agent=request.headers.get("user-agent"),
            )
            if outcome.user is not None and service.password_must_change(uow, outcome.user):
                outcome.error = PasswordExpired()
            if outcome.error is None and outcome.user is not None:
                access, lifetime = tokens.issue_access_token(
                    uow, kind="user", subject_id=outcome.user.id, secret_key=secret_key
                )
                refresh = tokens.issue_refresh_token(uow, user_id=outcome.user.id)
        outcome.raise_for_failure()
        body = TokenResponse(access_token=access, expires_in=lifetime, refresh_token=refresh)
    elif grant_type == "client_credentials":
        basic = _basic_credentials(request)
        cid, secret = basic if basic else (client_id or "", client_secret or "")
        with new_uow(request) as uow:
            outcome = service.authenticate_client(uow, client_id=cid, secret=secret, ip=ip)
            if outcome.client is not None:
                access, lifetime = tokens.issue_access_token(
                    uow, kind="client", subject_id=outcome.client.id, secret_key=secret_key
                )
                granted = " ".join(outcome.client.scopes)
        if outcome.error is not None:
            raise outcome.error
        body = TokenResponse(access_token=access, expires_in=lifetime, scope=granted)
    elif grant_type == "refresh_token":
        reuse: Exception | None = None
        with new_uow(request) as uow:
            try:
                row, successor = tokens.rotate_refresh_token(uow, refresh_token or "")
            except tokens.RefreshReuse as exc:
                reuse = exc
            else:
                kind = "user" if row.user_id is not None else "client"
                subject = row.user_id if row.user_id is not None else row.client_id
                access, lifetime = tokens.issue_access_token(
                    uow, kind=kind, subject_id=int(subject or 0), secret_key=secret_key
                )
        if reuse is not None:
            raise reuse
        body = TokenResponse(access_token=access, expires_in=lifetime, refresh_token=successor)
    else:
        raise UnsupportedGrant(error="unsupported_grant_type")
    return JSONResponse(body.model_dump(exclude_none=True), headers=NO_STORE)


@router.get("/auth/me", operation_id="getMe",
            response_model=Me, summary="Who am I (the calling credential)")
def me(actor: Actor = perms.require_signed_in()) -> Me:
    return Me(kind=actor.kind, id=actor.id, name=actor.name, printed_name=actor.printed_name,
              permissions=sorted(actor.permissions), all_permissions=actor.grants_all)


@router.post("/auth/sign-out-everywhere", status_code=204,
             summary="End every session and token of the calling user")
def sign_out_everywhere(request: Request, actor: Actor = perms.require_signed_in()) -> None:
    if actor.kind != "user":
        raise Forbidden("only a person signs out everywhere")
    with new_uow(request) as uow:
        service.sign_out_everywhere(uow, service.get_user_or_raise(uow, int(actor.id or 0)))


@router.post("/admin/users/{user_id}/sign-out", status_code=204,
             summary="End every session and token of a user")
def sign_out_user(request: Request, user_id: PathId,
                  _: Actor = perms.require(perms.ADMIN_USERS)) -> None:
    with new_uow(request) as uow:
        service.sign_out_everywhere(uow, service.get_user_or_raise(uow, user_id))


@router.get("/admin/users", response_model=list[UserRead], summary="List users")
def list_users(request: Request, _: Actor = perms.require(perms.ADMIN_USERS)) -> list[UserRead]:
    with new_uow(request, write=False) as uow:
        return [UserRead.of(u) for u in service.list_users(uow)]


@router.post("/admin/users", response_model=UserRead, status_code=201, summary="Create a user")
def create_user(
    request: Request, body: UserCreate, _: Actor = perms.require(perms.ADMIN_USERS)
) -> UserRead:
    with new_uow(request) as uow:
        user = service.create_user(uow, **body.model_dump())
        return UserRead.of(user)


@router.get("/admin/users/{user_id}", response_model=UserRead, summary="One user")
def get_user(
    request: Request, user_id: PathId, _: Actor = perms.require(perms.ADMIN_USERS)
) -> UserRead:
    with new_uow(request, write=False) as uow:
        return UserRead.of(service.get_user_or_raise(uow, user_id))


@router.patch("/admin/users/{user_id}", response_model=UserRead, summary="Change a user")
def update_user(
    request: Request, user_id: PathId, body: UserUpdate, _: Actor = perms.require(perms.ADMIN_USERS)
) -> UserRead:
    with new_uow(request) as uow:
        user = service.get_user_or_raise(uow, user_id)
        service.update_user(uow, user, **body.model_dump(exclude_unset=True))
        return UserRead.of(user)


@router.post("/admin/users/{user_id}/password", status_code=204,
             summary="Reset a user's password (temporary by default)")
def reset_password(
    request: Request, user_id: PathId, body: PasswordSet,
    _: Actor = perms.require(perms.ADMIN_USERS),
) -> None:
    with new_uow(request) as uow:
        user = service.get_user_or_raise(uow, user_id)
        service.set_password(uow, user, body.password, temporary=body.temporary)


@router.get("/admin/roles", response_model=list[RoleRead], summary="List roles")
def list_roles(request: Request, _: Actor = perms.require(perms.ADMIN_ROLES)) -> list[RoleRead]:
    with new_uow(request, write=False) as uow:
        return [RoleRead.of(r) for r in service.list_roles(uow)]


@router.post("/admin/roles", response_model=RoleRead, summary="Create or update a role")
def save_role(
    request: Request, body: RoleWrite, _: Actor = perms.require(perms.ADMIN_ROLES)
) -> RoleRead:
    with new_uow(request) as uow:
        return RoleRead.of(service.save_role(uow, **body.model_dump()))


@router.get("/admin/permissions", summary="Every permission code the application declares")
def list_permissions(
    request: Request, _: Actor = perms.require(perms.ADMIN_ROLES)
) -> list[dict[str, str]]:
    locale = request.state.locale
    return [{"code": p.code, "label": translate(p.label, locale)}
            for p in perms.permission_catalog()]


@router.get("/admin/clients", response_model=list[ClientRead], summary="List API clients")
def list_clients(
    request: Request, _: Actor = perms.require(perms.ADMIN_CLIENTS)
) -> list[ClientRead]:
    with new_uow(request, write=False) as uow:
        return [ClientRead.model_validate(c) for c in service.list_api_clients(uow)]


@router.post("/admin/clients", response_model=ClientCreated, status_code=201,
             summary="Create an API client; the secret is returned once")
def create_client(
    request: Request, body: ClientCreate, _: Actor = perms.require(perms.ADMIN_CLIENTS)
) -> JSONResponse:
    with new_uow(request) as uow:
        client, secret = service.create_api_client(uow, **body.model_dump())
        created = ClientCreated(**ClientRead.model_validate(client).model_dump(),
                                client_secret=secret)
    return JSONResponse(created.model_dump(mode="json"), status_code=201, headers=NO_STORE)
