"""``Idempotency-Key`` on every write under /api/v1: same key and body replay the stored
answer (``Idempotent-Replayed: true``), nothing happens twice.

An ASGI middleware (inside the request-context middleware), so it sees every route without
each router opting in, and the final answer, problem responses included. Answers with a 5xx
status are not stored when the request wrote nothing: the claim is released and the client
may retry with the same key. The claim is the request's context (``service.current_claim``)
while the route runs, so that the route's transaction records that the write took effect.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medtrace.platform.errors import DomainError
from medtrace.platform.idempotency import service

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
HEADER = b"idempotency-key"
#: response headers worth replaying (not per-request ones such as x-request-id or cookies)
REPLAYED_HEADERS = {"content-type", "location", "content-language", "cache-control"}


def fingerprint(method: str, path: str, query: str, content_type: str, body: bytes) -> str:
    """What makes two requests the same request."""
    digest = hashlib.sha256()
    for part in (method, path, query, content_type):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, prefix: str = "/api/v1") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in WRITE_METHODS
            or not scope["path"].startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        raw_key = next((v for k, v in scope.get("headers", []) if k == HEADER), None)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        body = await request.body()

        async def replay_body() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            key = raw_key.decode("latin-1").strip()
            service.check_key(key)
            actor = await run_in_threadpool(request.app.state.resolve_actor, request)
        except DomainError as exc:
            if isinstance(exc, service.IdempotencyKeyInvalid):
                await self._answer_error(scope, replay_body, send, exc)
                return
            actor = None  # bad credentials: let the route answer 401 as usual
        if actor is None:
            await self.app(scope, replay_body, send)
            return
        digest = fingerprint(scope["method"], scope["path"],
                             scope.get("query_string", b"").decode(),
                             request.headers.get("content-type", ""), body)
        db = request.app.state.db
        lease = dt.timedelta(seconds=request.app.state.settings.idempotency_lease_seconds)
        try:
            claimed, stored = await run_in_threadpool(
                service.claim, db, credential=actor.key, key=key,
                fingerprint=digest, method=scope["method"], path=scope["path"],
                lease=lease,
            )
        except DomainError as exc:
            await self._answer_error(scope, replay_body, send, exc)
            return
        if stored is not None or claimed is None:
            assert stored is not None
            headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers]
            headers.append((b"idempotent-replayed", b"true"))
            headers.append((b"content-length", str(len(stored.body)).encode()))
            await send({"type": "http.response.start", "status": stored.status,
                        "headers": headers})
            await send({"type": "http.response.body", "body": stored.body})
            return

        started: dict[str, object] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started["status"] = message["status"]
                started["headers"] = [
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() in REPLAYED_HEADERS
                ]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        token = service.current_claim.set(claimed)
        try:
            await self.app(scope, replay_body, capture)
        except Exception:
            if not claimed.applied:
                await run_in_threadpool(service.release, db, claimed)
            raise
        finally:
            service.current_claim.reset(token)
        status = int(started.get("status", 500))  # type: ignore[call-overload]
        if status >= 500 and not claimed.applied:
            await run_in_threadpool(service.release, db, claimed)
            return
        answer = service.Stored(status, started.get("headers", []), b"".join(chunks))  # type: ignore[arg-type]
        await run_in_threadpool(service.complete, db, claimed, answer)

    async def _answer_error(
        self, scope: Scope, receive: Receive, send: Send, exc: DomainError
    ) -> None:
        on_error = scope["app"].state.domain_error_responder
        response = await on_error(Request(scope, receive), exc)
        await response(scope, receive, send)
