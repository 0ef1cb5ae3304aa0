from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

#: a role, site or permission code
Code = Annotated[str, Field(max_length=80)]

class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    printed_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    roles: list[Code] = Field(default_factory=list, max_length=50)
    language: str = Field(default="zh_CN", max_length=10)
    timezone: str | None = Field(default=None, max_length=64)
    sites: list[Code] = Field(default_factory=list, max_length=200)
    temporary_password: bool = False


class UserUpdate(BaseModel):
    printed_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    language: str | None = Field(default=None, max_length=10)
    timezone: str | None = Field(default=None, max_length=64)
    active: bool | None = None
    roles: list[Code] | None = Field(default=None, max_length=50)
    sites: list[Code] | None = Field(default=None, max_length=200)


class PasswordSet(BaseModel):
    password: str = Field(min_length=1, max_length=256)
    temporary: bool = True


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    printed_name: str
    email: str | None
    language: str
    timezone: str
    active: bool
    roles: list[str]
    sites: list[str]
    locked_until: dt.datetime | None
    password_changed_at: dt.datetime
    must_change_password: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, user) -> UserRead:  # type: ignore[no-untyped-def]
        return cls(
            id=user.id, username=user.username, printed_name=user.printed_name,
            email=user.email, language=user.language, timezone=user.timezone,
            active=user.active, roles=[r.code for r in user.roles],
            sites=[s.site_code for s in user.sites], locked_until=user.locked_until,
            password_changed_at=user.password_changed_at,
            must_change_password=user.must_change_password, created_at=user.created_at,
        )


class RoleWrite(BaseModel):
    code: str = Field(min_length=2, max_length=64, pattern=r"^[a-z][a-z0-9_.-]*$")
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=500)
    permissions: list[Code] = Field(default_factory=list, max_length=500)
    grants_all: bool = False


class RoleRead(BaseModel):
    id: int
    code: str
    name_zh: str
    name_en: str
    description: str
    permissions: list[str]
    grants_all: bool

    @classmethod
    def of(cls, role) -> RoleRead:  # type: ignore[no-untyped-def]
        return cls(id=role.id, code=role.code, name_zh=role.name_zh, name_en=role.name_en,
                   description=role.description, permissions=role.permission_codes,
                   grants_all=role.grants_all)


class ClientCreate(BaseModel):
    client_id: str = Field(min_length=2, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    scopes: list[Code] = Field(default_factory=list, max_length=50)


class ClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    client_id: str
    name: str
    scopes: list[str]
    active: bool
    created_at: dt.datetime


class ClientCreated(ClientRead):
    client_secret: str = Field(description="Shown once; store it in the client's vault.")


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int
    refresh_token: str | None = None
    scope: str | None = None


class Me(BaseModel):
    kind: str
    id: int | None
    name: str
    printed_name: str
    permissions: list[str]
    all_permissions: bool
