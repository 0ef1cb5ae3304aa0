"""Identity and access: users, roles, permissions, API clients, sessions, tokens, login events."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.i18n import N_


class User(Audited, Base):
    __tablename__ = "auth_user"
    __audit_label__ = N_("User")
    __audit_link__ = "/admin/users/{id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "username": N_("Username"),
        "printed_name": N_("Printed name"),
        "language": N_("Language"),
        "timezone": N_("Time zone"),
        "password_hash": N_("Password"),
        "password_changed_at": N_("Password changed at"),
        "must_change_password": N_("Must change password"),
        "locked_until": N_("Locked until"),
        "signing_locked": N_("Signing locked"),
        "token_generation": N_("Sign-in generation"),
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    printed_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    failed_signings: Mapped[int] = mapped_column(Integer, default=0)
    signing_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Raised whenever every credential of the user must stop working (password change or reset,
    # deactivation or reactivation, a role change, "sign out everywhere"): access tokens carry
    # the generation they were issued in and are refused once it moved on.
    token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    roles: Mapped[list[Role]] = relationship(
        secondary="auth_user_role", lazy="selectin", order_by="Role.code"
    )
    sites: Mapped[list[UserSite]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserSite.site_code"
    )

    __audit_ref__ = "username"
    __audit_exclude__ = ("password_hash",)
    # Attempt counters change at every failed sign-in; auth_login_event records those, and
    # the security state they lead to (locked_until, signing_locked) is audited.
    __audit_ignore__ = ("failed_logins", "failed_signings")

    def permission_codes(self) -> set[str]:
        return {code for role in self.roles for code in role.permission_codes}

    def grants_all(self) -> bool:
        return any(role.grants_all for role in self.roles)


class Role(Audited, Base):
    __tablename__ = "auth_role"
    __audit_label__ = N_("Role")
    __audit_link__ = "/admin/roles"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "grants_all": N_("Grants every permission"),
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    grants_all: Mapped[bool] = mapped_column(Boolean, default=False)

    permissions: Mapped[list[RolePermission]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RolePermission.permission_code"
    )

    __audit_ref__ = "code"

    @property
    def permission_codes(self) -> list[str]:
        return [p.permission_code for p in self.permissions]


class RolePermission(Audited, Base):
    __tablename__ = "auth_role_permission"
    __audit_label__ = N_("Permission of a role")
    __audit_link__ = "/admin/roles"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "permission_code": N_("Permission"),
    }

    role_id: Mapped[int] = mapped_column(ForeignKey("auth_role.id"), primary_key=True)
    permission_code: Mapped[str] = mapped_column(String(100), primary_key=True)


class UserRole(Audited, Base):
    __tablename__ = "auth_user_role"
    __audit_label__ = N_("Role of a user")
    __audit_link__ = "/admin/users/{user_id}"

    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("auth_role.id"), primary_key=True)


class UserSite(Audited, Base):
    """Sites a user may act for (modelled now; enforced once sites exist). Empty: all sites."""

    __tablename__ = "auth_user_site"
    __audit_label__ = N_("Site of a user")
    __audit_link__ = "/admin/users/{user_id}"

    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id"), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), primary_key=True)


class PasswordHistory(Base):
    __tablename__ = "auth_password_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoginEvent(Base):
    """Every login attempt, successful or not (Part 11 §11.300(d): detect attempted misuse)."""

    __tablename__ = "auth_login_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("auth_user.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(20))  # web | api | signature
    success: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    user_agent: Mapped[str | None] = mapped_column(String(400), nullable=True)


class SecurityEvent(Base):
    """Security-relevant events other than logins: signing lockouts, token reuse..."""

    __tablename__ = "auth_security_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("auth_user.id"), nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ApiClient(Audited, Base):
    """A machine account (MES, WMS, ERP bridge): client credentials with scopes."""

    __tablename__ = "auth_api_client"
    __audit_label__ = N_("API client")
    __audit_fields__: ClassVar[dict[str, str]] = {
        "client_id": N_("Client id"),
        "secret_hash": N_("Secret"),
        "scopes": N_("Scopes"),
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(255))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __audit_ref__ = "client_id"
    __audit_exclude__ = ("secret_hash",)


class RefreshToken(Base):
    """Refresh tokens are stored as SHA-256 digests and rotated at every use."""

    __tablename__ = "auth_refresh_token"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("auth_user.id"), nullable=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("auth_api_client.id"), nullable=True)
    family: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class WebSession(Base):
    """A browser session: the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "auth_session"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(400), nullable=True)
