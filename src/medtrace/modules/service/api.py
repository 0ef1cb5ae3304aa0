"""Service API for a CRM or a field-service app. The contract: ``GET /api/v1/installed-base``,
``POST /api/v1/service-orders``, ``POST /api/v1/service-orders/{number}/replacements`` (body
``{"removed": "<scan>", "fitted": "<scan>"}``) and ``POST
/api/v1/service-orders/{number}/complete``; every write is idempotent with
``Idempotency-Key`` (the platform's middleware)."""

from __future__ import annotations

from fastapi import APIRouter, File, Path, Query, Request, UploadFile

from medtrace.modules.service import queries, service
from medtrace.modules.service.errors import InstallationRefused
from medtrace.modules.service.permissions import INSTALL, ORDER_EDIT, SETUP, VIEW, VISIT, WORK
from medtrace.modules.service.rules import OrderStatus, OrderType, VisitStatus, WarrantyState
from medtrace.modules.service.schemas import (
    CloseIn,
    CompleteIn,
    InstallationCreate,
    InstallationRead,
    InstalledBasePage,
    MaintenancePlanWrite,
    ReplacementIn,
    ReplacementRead,
    ScheduleIn,
    ScheduleRun,
    ServiceOrderCreate,
    ServiceOrderPage,
    ServiceOrderRead,
    StatusIn,
    VersionUpdate,
    VisitCreate,
    VisitPage,
    VisitRead,
    VisitRecord,
    WarrantyTermWrite,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.files import MAX_FILE_BYTES, UploadedFile
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset

router = APIRouter(prefix="/api/v1", tags=["service"])
Number = Path(max_length=20, description="The document's number")


def _order(uow: object, number: str) -> ServiceOrderRead:
    return ServiceOrderRead(**queries.order_view(uow, service.get_order_or_raise(uow, number)))  # type: ignore[arg-type]


# --- installed base -----------------------------------------------------------------------------
@router.get("/installed-base", operation_id="listInstalledBase",
            summary="Units installed at customers' sites (filters, paginated)")
def installed_base(request: Request,
                   customer: str | None = Query(None, max_length=40,
                                                description="Partner code"),
                   site: str | None = Query(None, max_length=100,
                                            description="Part of the site or department"),
                   item: str | None = Query(None, max_length=40, description="Item code"),
                   version: str | None = Query(None, max_length=40,
                                               description="Current software or firmware "
                                                           "version"),
                   warranty: WarrantyState | None = None,
                   serial: str | None = Query(None, max_length=40),
                   limit: int = Query(100, ge=1, le=1000), offset: Offset = 0,
                   _: Actor = require(VIEW)) -> InstalledBasePage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.installed_base(uow, customer=customer, site=site, item=item,
                                             version=version, warranty=warranty,
                                             serial=serial, limit=limit, offset=offset)
        return InstalledBasePage(items=rows, total=total)  # type: ignore[arg-type]


@router.post("/installations", status_code=201, operation_id="recordInstallation",
             summary="Install a shipped serial unit at a customer's site")
def record_installation(request: Request, body: InstallationCreate,
                        actor: Actor = require(INSTALL)) -> InstallationRead:
    with new_uow(request, write=True) as uow:
        row = service.record_installation(uow, data=body, actor=actor)
        view = queries.unit_service_view(uow, service.read_unit(uow, body.unit, item=body.item))
        follow_up = next((v["number"] for v in view["visits"] if v["after"] == row.number),
                         None)
        return InstallationRead(number=row.number, serial=view["serial"],
                                customer=view["installations"][0]["customer"] or "",
                                site=row.site, installed_on=row.installed_on,
                                follow_up=follow_up)


@router.post("/installations/{number}/acceptance-form", operation_id="attachAcceptanceForm",
             summary="Attach the customer's signed acceptance form (PDF or image)")
async def attach_acceptance_form(request: Request, number: str = Number,
                                 file: UploadFile = File(...),
                                 actor: Actor = require(INSTALL)) -> dict[str, str]:
    content = await file.read(MAX_FILE_BYTES + 1)
    upload = UploadedFile(file.filename or "acceptance", file.content_type or "", content)
    storage = request.app.state.settings.var_dir / service.FORMS_FOLDER
    with new_uow(request, write=True) as uow:
        row = service.add_acceptance_form(uow, number=number, upload=upload, storage=storage,
                                          actor=actor)
        if row.acceptance_sha256 is None:  # pragma: no cover (attach_form raises)
            raise InstallationRefused("no file")
        return {"number": row.number, "sha256": row.acceptance_sha256}


@router.get("/units/{serial}/service", operation_id="getUnitService",
            summary="A unit's service life: installations, warranty, orders, parts, versions")
def unit_service(request: Request, serial: str = Path(max_length=400),
                 item: str | None = Query(None, max_length=40),
                 _: Actor = require(VIEW)) -> dict[str, object]:
    with new_uow(request, write=False) as uow:
        return queries.unit_service_view(uow, service.read_unit(uow, serial, item=item))


# --- service orders -----------------------------------------------------------------------------
@router.get("/service-orders", operation_id="listServiceOrders",
            summary="Service orders (filters, paginated)")
def list_service_orders(request: Request, status: OrderStatus | None = None,
                        type: OrderType | None = None,
                        customer: str | None = Query(None, max_length=40),
                        serial: str | None = Query(None, max_length=40),
                        open: bool = False, limit: int = Query(50, ge=1, le=500),
                        offset: Offset = 0, _: Actor = require(VIEW)) -> ServiceOrderPage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_orders(uow, status=status, type=type, customer=customer,
                                          serial=serial, open_only=open, limit=limit,
                                          offset=offset)
        return ServiceOrderPage(items=rows, total=total)  # type: ignore[arg-type]


@router.post("/service-orders", status_code=201, operation_id="createServiceOrder",
             summary="Open a service order on a serial unit (warranty decided now)")
def create_service_order(request: Request, body: ServiceOrderCreate,
                         actor: Actor = require(ORDER_EDIT)) -> ServiceOrderRead:
    with new_uow(request, write=True) as uow:
        order = service.create_order(uow, data=body, actor=actor)
        return _order(uow, order.number)


@router.get("/service-orders/{number}", operation_id="getServiceOrder",
            summary="One service order with its parts and versions")
def get_service_order(request: Request, number: str = Number, _: Actor = require(VIEW)
                      ) -> ServiceOrderRead:
    with new_uow(request, write=False) as uow:
        return _order(uow, number)


@router.post("/service-orders/{number}/schedule", operation_id="scheduleServiceOrder",
             summary="Assign the technician, the day and the van")
def schedule_service_order(request: Request, body: ScheduleIn, number: str = Number,
                           actor: Actor = require(ORDER_EDIT)) -> ServiceOrderRead:
    with new_uow(request, write=True) as uow:
        service.schedule_order(uow, number=number, data=body, actor=actor)
        return _order(uow, number)


@router.post("/service-orders/{number}/status", operation_id="moveServiceOrder",
             summary="Start, wait for parts, reschedule or cancel (with a reason)")
def move_service_order(request: Request, body: StatusIn, number: str = Number,
                       actor: Actor = require(VIEW)) -> ServiceOrderRead:
    with new_uow(request, write=True) as uow:
        service.change_status(uow, number=number, data=body, actor=actor)
        return _order(uow, number)


@router.post("/service-orders/{number}/replacements", status_code=201,
             operation_id="replacePart",
             summary="Replace a part: scan the removed part and the fitted spare")
def replace_part(request: Request, body: ReplacementIn, number: str = Number,
                 actor: Actor = require(WORK)) -> ReplacementRead:
    with new_uow(request, write=True) as uow:
        row = service.replace_part(uow, number=number, data=body, actor=actor)
        view = queries.replacements_of(uow, order_id=row.order_id)
        return ReplacementRead(**next(r for r in view if r["id"] == row.id))


@router.post("/service-orders/{number}/versions", operation_id="updateUnitVersion",
             summary="The unit now runs another software or firmware version")
def update_version(request: Request, body: VersionUpdate, number: str = Number,
                   actor: Actor = require(WORK)) -> ServiceOrderRead:
    with new_uow(request, write=True) as uow:
        service.update_version(uow, number=number, data=body, actor=actor)
        return _order(uow, number)


@router.post("/service-orders/{number}/complete", operation_id="completeServiceOrder",
             summary="Complete: report, time, customer acknowledgement, technician's signature")
def complete_service_order(request: Request, body: CompleteIn, number: str = Number,
                           actor: Actor = require(WORK)) -> ServiceOrderRead:
    with new_uow(request, write=True) as uow:
        service.complete_order(uow, number=number, data=body, actor=actor)
        return _order(uow, number)


@router.post("/service-orders/{number}/close", operation_id="closeServiceOrder",
             summary="Close a done service order")
def close_service_order(request: Request, body: CloseIn, number: str = Number,
                        actor: Actor = require(ORDER_EDIT)) -> ServiceOrderRead:
    with new_uow(request, write=True) as uow:
        service.close_order(uow, number=number, data=body, actor=actor)
        return _order(uow, number)


@router.post("/service-orders/preventive", operation_id="generatePreventiveOrders",
             summary="Open the preventive maintenance orders falling due (the daily job, now)")
def generate_preventive(request: Request, body: ScheduleRun,
                        actor: Actor = require(ORDER_EDIT)) -> ServiceOrderPage:
    with new_uow(request, write=True) as uow:
        made = service.generate_preventive_orders(uow, on=body.on, lead_days=body.lead_days,
                                                  actor=actor)
        rows = [queries.order_view(uow, o) for o in made]
        return ServiceOrderPage(items=rows, total=len(rows))  # type: ignore[arg-type]


# --- follow-up visits ---------------------------------------------------------------------------
@router.get("/service-visits", operation_id="listServiceVisits",
            summary="Follow-up visits (售后回访)")
def list_visits(request: Request, status: VisitStatus | None = None,
                limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
                _: Actor = require(VIEW)) -> VisitPage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_visits(uow, status=status, limit=limit, offset=offset)
        return VisitPage(items=rows, total=total)  # type: ignore[arg-type]


@router.post("/service-visits", status_code=201, operation_id="createServiceVisit",
             summary="Plan a follow-up visit")
def create_visit(request: Request, body: VisitCreate, actor: Actor = require(VISIT)
                 ) -> VisitRead:
    with new_uow(request, write=True) as uow:
        visit = service.create_visit(uow, data=body, actor=actor)
        return VisitRead(**queries.visit_view(uow, visit))


@router.post("/service-visits/{number}", operation_id="recordServiceVisit",
             summary="Record a visit's outcome (a complaint becomes a quality complaint)")
def record_visit(request: Request, body: VisitRecord, number: str = Number,
                 actor: Actor = require(VISIT)) -> VisitRead:
    with new_uow(request, write=True) as uow:
        visit = service.record_visit(uow, number=number, data=body, actor=actor)
        return VisitRead(**queries.visit_view(uow, visit))


# --- setup --------------------------------------------------------------------------------------
@router.put("/service/warranty-terms", operation_id="saveWarrantyTerm",
            summary="An item's warranty: months from installation or shipment")
def save_warranty(request: Request, body: WarrantyTermWrite, actor: Actor = require(SETUP)
                  ) -> WarrantyTermWrite:
    with new_uow(request, write=True) as uow:
        service.save_warranty_term(uow, data=body, actor=actor)
        return body


@router.put("/service/maintenance-plans", operation_id="saveMaintenancePlan",
            summary="An item's preventive maintenance interval")
def save_plan(request: Request, body: MaintenancePlanWrite, actor: Actor = require(SETUP)
              ) -> MaintenancePlanWrite:
    with new_uow(request, write=True) as uow:
        service.save_maintenance_plan(uow, data=body, actor=actor)
        return body
