"""Request-scoped helpers shared by every router: the database and units of work."""

from __future__ import annotations

from urllib.parse import unquote

from starlette.requests import Request

from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork


def get_db(request: Request) -> Database:
    return request.app.state.db


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def new_uow(request: Request, *, write: bool = True, reason: str | None = None) -> UnitOfWork:
    """A unit of work for this request, carrying who acts, the request id and the client
    address for the audit trail; the route opens it with ``with``."""
    context = {
        "request_id": getattr(request.state, "request_id", None),
        "client_ip": client_ip(request),
        "actor": getattr(request.state, "actor", None),
    }
    # API clients give a reason for changes to controlled records in a header,
    # percent-encoded UTF-8 (headers are Latin-1): X-Change-Reason: %E5%A4%8D%E6%A0%B8...
    reason = reason or unquote(request.headers.get("x-change-reason", ""))
    if reason.strip():
        context["reason"] = reason.strip()[:500]
    return UnitOfWork(
        request.app.state.db,
        write=write,
        timezone=request.app.state.settings.timezone,
        context=context,
    )
