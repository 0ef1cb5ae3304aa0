"""The administrator's workflow pages: the definitions with an import form (`/admin/workflows`),
one definition's versions with download, submit and publish-with-signature
(`/admin/workflows/{key}`), and the visual designer (`/admin/workflows/{key}/designer`), where
bpmn-js (installed from npm by ``make designer-assets``, served from our own ``/static``) draws
and edits the diagram and Save imports it as a new draft through ``service.import_version``.

Every action calls the same service functions as the API; a refused diagram answers with its
problems, each naming its element, in the user's language."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from medtrace.platform.actor import Actor
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.auth.models import Role
from medtrace.platform.auth.permissions import permission_catalog, require, require_signed_in
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError, ValidationFailed
from medtrace.platform.esign import meaning_labels
from medtrace.platform.i18n import N_, translate
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action, form_error
from medtrace.platform.web.params import PathId, QueryId
from medtrace.platform.web.templating import STATIC_DIR, render
from medtrace.platform.workflows import layout, queries, service
from medtrace.platform.workflows.bpmn import MAX_BYTES, Problem
from medtrace.platform.workflows.errors import WorkflowInvalid, WorkflowNotFound
from medtrace.platform.workflows.models import WorkflowDefinition
from medtrace.platform.workflows.permissions import ADMIN_WORKFLOWS, PUBLISH_WORKFLOWS
from medtrace.platform.workflows.rules import VersionStatus

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
Key = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$")]

#: the bpmn-js files ``make designer-assets`` copies (the page needs them all)
ASSETS = ("vendor/bpmn-js/bpmn-modeler.production.min.js", "vendor/bpmn-js/assets/diagram-js.css",
          "vendor/bpmn-js/assets/bpmn-js.css", "vendor/bpmn-js/assets/bpmn-font/css/bpmn.css")
MEANING = "approved"
MAX_TEXT = 200
MAX_NOTE = 500


def assets_installed() -> bool:
    return all((STATIC_DIR / name).is_file() for name in ASSETS)


def problem_texts(problems: list[Problem], locale: str) -> list[dict[str, str]]:
    """Each problem as its element and a sentence in ``locale``."""
    return [{"element": p.element,
             "message": translate(p.message, locale, **p.params) if p.params
             else translate(p.message, locale)} for p in problems]


def _diagram_error(request: Request, exc: DomainError, xml: str | None) -> dict[str, Any]:
    """The form context of a refusal; a refused diagram lists its problems, translated."""
    context = form_error(request, exc)
    problems: list[dict[str, str]] = []
    if isinstance(exc, WorkflowInvalid) and xml is not None:
        problems = problem_texts(service.diagram_problems(xml), request.state.locale)
    context["problems"] = problems
    return context


def _admin_or_publisher(actor: Actor) -> Actor:
    if not (actor.can(ADMIN_WORKFLOWS) or actor.can(PUBLISH_WORKFLOWS)):
        raise Forbidden(permission=ADMIN_WORKFLOWS)
    return actor


def _record_types() -> dict[str, str]:
    return {code: rt.label for code, rt in sorted(service.record_types().items())}


def _list_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        rows = queries.list_definitions(uow)
    return render(request.app.state.templates, request, "workflows/admin_list.html",
                  status_code=status, rows=rows, record_types=_record_types(),
                  status_labels=VersionStatus.labels(), values=context.pop("values", {}), **context)


@router.get("/admin/workflows", response_class=HTMLResponse)
def list_page(request: Request, _: Actor = require(ADMIN_WORKFLOWS)) -> Response:
    return _list_page(request)


def _text(form: Any, name: str, limit: int = MAX_TEXT) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


@router.post("/admin/workflows", response_class=HTMLResponse)
async def import_file(request: Request, actor: Actor = require(ADMIN_WORKFLOWS)) -> Response:
    """Import an uploaded BPMN 2.0 file as a new draft (a new definition the first time)."""
    form = await request.form()
    values = {k: _text(form, k) for k in ("record_type", "name_zh", "name_en", "change_note")}
    upload = form.get("file")
    xml: str | None = None
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_BYTES + 1)
        xml = raw.decode("utf-8", errors="replace")
    if xml is None or not xml.strip():
        message = translate(N_("Choose a BPMN 2.0 file (.bpmn or .xml)."), request.state.locale)
        return _list_page(request, status=422, values=values, error=message,
                          field_errors={"file": message})
    record_type = values["record_type"]

    def action(uow: UnitOfWork) -> tuple[str, int]:
        nonlocal record_type
        if not record_type:
            process = service.read_diagram(xml)
            try:
                record_type = queries.definition_or_raise(uow, process.key).record_type
            except WorkflowNotFound:
                raise ValidationFailed(errors=[
                    {"field": "record_type", "message": translate(
                        N_("Choose the kind of record this workflow governs."),
                        request.state.locale), "type": "missing"}]) from None
        version = service.import_version(
            uow, xml=xml, record_type=record_type, actor=actor,
            name_zh=values["name_zh"] or None, name_en=values["name_en"] or None,
            change_note=values["change_note"] or None)
        return uow.session.get(WorkflowDefinition, version.definition_id).key, version.version

    def work() -> tuple[tuple[str, int] | None, dict[str, Any] | None]:
        try:
            with new_uow(request) as uow:
                return action(uow), None
        except DomainError as exc:
            return None, _diagram_error(request, exc, xml)

    done, problem = await run_in_threadpool(work)
    if done is None:
        return _list_page(request, status=422, values=values, **(problem or {}))
    key, number = done
    return RedirectResponse(f"/admin/workflows/{key}?imported={number}", status_code=303)


def _definition_page(request: Request, key: str, actor: Actor, status: int = 200,
                     **context: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        definition = queries.definition_or_raise(uow, key)
        versions = list(reversed(queries.versions_of(uow, key)))
        meaning = meaning_labels(uow, request.state.locale).get(MEANING, MEANING)
        submitters = {v.id: v.submitted_by for v in versions}
    return render(request.app.state.templates, request, "workflows/admin_definition.html",
                  status_code=status, definition=definition, versions=versions,
                  record_types=_record_types(), status_labels=VersionStatus.labels(),
                  meaning=meaning,
                  may_edit=actor.can(ADMIN_WORKFLOWS), may_publish=actor.can(PUBLISH_WORKFLOWS),
                  submitters=submitters, me=actor, values=context.pop("values", {}),
                  imported=request.query_params.get("imported"),
                  done=request.query_params.get("done"), **context)


@router.get("/admin/workflows/{key}", response_class=HTMLResponse)
def definition_page(request: Request, key: Key, actor: Actor = require_signed_in()
                    ) -> Response:
    return _definition_page(request, key, _admin_or_publisher(actor))


@router.get("/admin/workflows/{key}/versions/{number}/download", response_class=Response)
def download(request: Request, key: Key, number: PathId,
             _: Actor = require(ADMIN_WORKFLOWS)) -> Response:
    with new_uow(request, write=False) as uow:
        version = queries.version_or_raise(uow, key, number)
        return Response(version.xml, media_type="application/xml", headers={
            "Content-Disposition": f'attachment; filename="{key}-v{number}.bpmn"'})


@router.post("/admin/workflows/{key}/versions/{number}/submit", response_class=HTMLResponse)
async def submit(request: Request, key: Key, number: PathId,
                 actor: Actor = require(ADMIN_WORKFLOWS)) -> Response:
    def action(uow: UnitOfWork) -> int:
        version = queries.version_or_raise(uow, key, number)
        return service.submit_version(uow, version_id=version.id, actor=actor).version

    _done, problem = await form_action(request, action)
    if problem is None:
        return RedirectResponse(f"/admin/workflows/{key}?done=submitted", status_code=303)
    return _definition_page(request, key, actor, status=422, **problem)


@router.post("/admin/workflows/{key}/versions/{number}/publish", response_class=HTMLResponse)
async def publish(request: Request, key: Key, number: PathId,
                  actor: Actor = require(PUBLISH_WORKFLOWS)) -> Response:
    """Approve a submitted version with the e-signature (user name and password, meaning
    *approved*) and publish it; the signer must be the signed-in user, not the submitter."""
    form = await request.form()
    username, password = _text(form, "username"), _text(form, "password")
    comment = _text(form, "comment", MAX_NOTE) or None
    locale = request.state.locale
    field_errors: dict[str, str] = {}
    if username != actor.name:
        field_errors["username"] = translate(
            N_("Sign with your own user name (the one you are signed in with)."), locale)
    if not password:
        field_errors["password"] = translate(N_("Enter your password to sign."), locale)
    values = {"number": str(number), "username": username, "comment": comment or ""}
    if field_errors:
        return _definition_page(request, key, actor, status=422, values=values,
                                error=translate(N_("The signature is not complete."), locale),
                                field_errors=field_errors)

    def action(uow: UnitOfWork) -> int:
        version = queries.version_or_raise(uow, key, number)
        return service.publish_version(uow, version_id=version.id, password=password,
                                       actor=actor, comment=comment).version

    _done, problem = await form_action(request, action)
    if problem is None:
        return RedirectResponse(f"/admin/workflows/{key}?done=published", status_code=303)
    return _definition_page(request, key, actor, status=422, values=values, **problem)


# --- the designer --------------------------------------------------------------------------


def _start_version(uow: UnitOfWork, key: str) -> tuple[Any, Any]:
    """The version the designer opens: the latest draft, else the latest version (a save then
    starts a new draft from it)."""
    versions = queries.versions_of(uow, key)
    if not versions:
        raise WorkflowNotFound(f"{key} has no version")
    drafts = [v for v in versions if v.status == VersionStatus.DRAFT]
    return (drafts or versions)[-1], versions[-1]


@router.get("/admin/workflows/{key}/designer", response_class=HTMLResponse)
def designer_page(request: Request, key: Key, _: Actor = require(ADMIN_WORKFLOWS)) -> Response:
    with new_uow(request, write=False) as uow:
        definition = queries.definition_or_raise(uow, key)
        opened, latest = _start_version(uow, key)
        roles = list(uow.session.scalars(select(Role.code).order_by(Role.code)))
        meanings = meaning_labels(uow, request.state.locale)
    return render(request.app.state.templates, request, "workflows/designer.html",
                  definition=definition, opened=opened, latest=latest,
                  assets=assets_installed(), roles=roles, meanings=meanings,
                  permissions=[p.code for p in permission_catalog()],
                  actions=service.action_names(),
                  status_labels=VersionStatus.labels())


@router.get("/admin/workflows/{key}/designer/diagram", response_class=Response)
def designer_diagram(request: Request, key: Key, number: QueryId = None,
                     _: Actor = require(ADMIN_WORKFLOWS)) -> Response:
    """The XML the designer opens, with a drawing added when the file has none."""
    with new_uow(request, write=False) as uow:
        version = (queries.version_or_raise(uow, key, number) if number
                   else _start_version(uow, key)[0])
        xml = version.xml
    return Response(layout.with_diagram(xml), media_type="application/xml")


async def _designer_xml(request: Request) -> tuple[str, str | None]:
    body = await request.json()
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        raise WorkflowInvalid("the body holds no diagram")
    note = body.get("change_note")
    return body["xml"][:MAX_BYTES + 1], (note.strip()[:MAX_NOTE] or None
                                         if isinstance(note, str) else None)


def _answer(request: Request, exc: DomainError, xml: str | None,
            problems: list[dict[str, str]] | None = None) -> JSONResponse:
    context = _diagram_error(request, exc, xml)
    return JSONResponse({"ok": False, "error": context["error"], "code": context["error_code"],
                         "problems": problems or context["problems"]}, status_code=exc.status)


@router.post("/admin/workflows/{key}/designer/check")
async def designer_check(request: Request, key: Key, _: Actor = require(ADMIN_WORKFLOWS)
                         ) -> JSONResponse:
    """The problems of the diagram as drawn (nothing is stored)."""
    try:
        xml, _note = await _designer_xml(request)
    except (DomainError, ValueError) as exc:
        return _answer(request, exc if isinstance(exc, DomainError)
                       else WorkflowInvalid("not JSON"), None)
    problems = problem_texts(service.diagram_problems(xml), request.state.locale)
    return JSONResponse({"ok": not problems, "problems": problems})


@router.post("/admin/workflows/{key}/designer")
async def designer_save(request: Request, key: Key, actor: Actor = require(ADMIN_WORKFLOWS)
                        ) -> JSONResponse:
    """Save the drawing as a new draft version (``service.import_version``)."""
    try:
        xml, note = await _designer_xml(request)
    except (DomainError, ValueError) as exc:
        return _answer(request, exc if isinstance(exc, DomainError)
                       else WorkflowInvalid("not JSON"), None)

    problems = problem_texts(service.diagram_problems(xml), request.state.locale)
    if not problems and service.read_diagram(xml).key != key:
        problems = [{"element": "", "message": translate(
            N_("The process id must stay %(key)s: it names this workflow."),
            request.state.locale, key=key)}]
    if problems:
        return _answer(request, WorkflowInvalid("the diagram cannot be used"), None,
                       problems=problems)

    def work() -> JSONResponse:
        try:
            with new_uow(request) as uow:
                definition = queries.definition_or_raise(uow, key)
                number = service.import_version(uow, xml=xml, actor=actor, change_note=note,
                                                record_type=definition.record_type).version
        except DomainError as exc:
            return _answer(request, exc, xml)
        return JSONResponse({"ok": True, "version": number,
                             "url": f"/admin/workflows/{key}?imported={number}"})

    return await run_in_threadpool(work)
