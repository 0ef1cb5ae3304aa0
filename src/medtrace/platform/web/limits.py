"""A ceiling on request bodies, before anything reads them: a multipart upload may be
``max_upload`` bytes, any other body ``max_body``. A declared ``Content-Length`` above it is
refused at once; a body sent without one is counted as it arrives and refused when it passes
the ceiling (such a body is read here first, up to the ceiling, and handed on whole). Either way
the answer is ``413`` problem+json (``MT-COMMON-TOO-LARGE``) before the application runs."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medtrace.platform.errors import PayloadTooLarge


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.max_upload if multipart else self.max_body
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"the body has {int(declared)} bytes; at most {limit}",
                                  limit=limit)
        if declared.isdigit():  # the server delivers no more than declared
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge(f"the body passed {limit} bytes", limit=limit)
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
