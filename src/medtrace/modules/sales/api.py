"""Sales API. The contract integrators code against: ``POST /api/v1/sales-orders``,
``POST /api/v1/sales-orders/{number}/allocate``, ``POST /api/v1/shipments``,
``POST /api/v1/shipments/{number}/delivered``, ``POST /api/v1/returns``; every write is
idempotent with ``Idempotency-Key`` (the platform's middleware)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query, Request

from medtrace.modules import partners
from medtrace.modules.sales import queries, service
from medtrace.modules.sales.errors import CustomerInvalid
from medtrace.modules.sales.permissions import (
    CUSTOMER_EDIT,
    DISPOSITION,
    ORDER_EDIT,
    PICK,
    PRICE_EDIT,
    RETURN,
    SHIP,
    VIEW,
)
from medtrace.modules.sales.rules import OrderStatus
from medtrace.modules.sales.schemas import (
    AllocationRead,
    CustomerRead,
    CustomerTerms,
    DeliveryIn,
    DispositionIn,
    OrderPage,
    PackageRead,
    PackIn,
    PickIn,
    PickRead,
    PriceRead,
    PriceWrite,
    ReasonIn,
    ReturnCreate,
    ReturnRead,
    SalesOrderCreate,
    SalesOrderRead,
    ShelfLifeRuleWrite,
    ShipmentCreate,
    ShipmentPage,
    ShipmentRead,
    ShipToWrite,
)
from medtrace.modules.sales.service.returns import get_return_or_raise
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset

router = APIRouter(prefix="/api/v1", tags=["sales"])
Number = Path(max_length=40, description="The document's number")
Code = Path(max_length=40, description="Partner code")


def _order(uow: Any, number: str) -> SalesOrderRead:
    return SalesOrderRead(**queries.order_view(uow, service.get_order_or_raise(uow, number)))


# --- orders -------------------------------------------------------------------------------------
@router.get("/sales-orders", summary="Sales orders and quotations (filters, paginated)")
def list_sales_orders(request: Request, status: OrderStatus | None = None,
                      customer: str | None = Query(None, max_length=40,
                                                   description="Partner code"),
                      limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
                      _: Actor = require(VIEW)) -> OrderPage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_orders(uow, status=status, customer=customer, limit=limit,
                                          offset=offset)
        return OrderPage(items=rows, total=total)  # type: ignore[arg-type]


@router.post("/sales-orders", status_code=201, operation_id="createSalesOrder",
             summary="Create a sales order (licence-checked; confirmed, or in approval)")
def create_sales_order(request: Request, body: SalesOrderCreate,
                       actor: Actor = require(ORDER_EDIT)) -> SalesOrderRead:
    with new_uow(request, write=True) as uow:
        order = service.create_order(uow, data=body, actor=actor)
        return _order(uow, order.number)


@router.get("/sales-orders/{number}", summary="One sales order", operation_id="getSalesOrder")
def get_sales_order(request: Request, number: str = Number, _: Actor = require(VIEW)
                    ) -> SalesOrderRead:
    with new_uow(request, write=False) as uow:
        return _order(uow, number)


@router.post("/sales-orders/{number}/confirm", operation_id="confirmSalesOrder",
             summary="Confirm a quotation into an order")
def confirm_sales_order(request: Request, number: str = Number,
                        actor: Actor = require(ORDER_EDIT)) -> SalesOrderRead:
    with new_uow(request, write=True) as uow:
        service.confirm_order(uow, ref=number, actor=actor)
        return _order(uow, number)


@router.post("/sales-orders/{number}/cancel", operation_id="cancelSalesOrder",
             summary="Cancel an order nothing was shipped on, with a reason")
def cancel_sales_order(request: Request, body: ReasonIn, number: str = Number,
                       actor: Actor = require(ORDER_EDIT)) -> SalesOrderRead:
    with new_uow(request, write=True) as uow:
        service.cancel_order(uow, ref=number, reason=body.reason, actor=actor)
        return _order(uow, number)


@router.post("/sales-orders/{number}/close", operation_id="closeSalesOrder",
             summary="Close a partly shipped order short, with a reason")
def close_sales_order(request: Request, body: ReasonIn, number: str = Number,
                      actor: Actor = require(ORDER_EDIT)) -> SalesOrderRead:
    with new_uow(request, write=True) as uow:
        service.close_order(uow, ref=number, reason=body.reason, actor=actor)
        return _order(uow, number)


@router.post("/sales-orders/{number}/allocate", operation_id="allocateSalesOrder",
             summary="Allocate stock FEFO: lots, quantities and locations per line")
def allocate_sales_order(request: Request, number: str = Number,
                         actor: Actor = require(PICK)) -> AllocationRead:
    with new_uow(request, write=True) as uow:
        order = service.allocate_order(uow, ref=number, actor=actor)
        return AllocationRead(number=order.number, status=order.status,
                              lines=queries.allocation_view(uow, order))  # type: ignore[arg-type]


@router.post("/sales-orders/{number}/picks", status_code=201, operation_id="pickSalesOrder",
             summary="Pick one scan (a lot or serial unit) for the order")
def pick(request: Request, body: PickIn, number: str = Number, actor: Actor = require(PICK)
         ) -> PickRead:
    with new_uow(request, write=True) as uow:
        row = service.pick_scan(uow, ref=number, data=body, actor=actor)
        view = queries.allocation_view(uow, service.get_order_or_raise(uow, number))
        return PickRead(**next(p for line in view for p in line["picks"] if p["id"] == row.id))


@router.delete("/sales-orders/{number}/picks/{pick_id}", status_code=204,
               operation_id="putBackPick", summary="Put an open, unpacked pick back")
def put_back(request: Request, number: str = Number,
             pick_id: int = Path(ge=1, le=2**63 - 1), actor: Actor = require(PICK)) -> None:
    with new_uow(request, write=True) as uow:
        service.put_back(uow, ref=number, pick_id=pick_id, actor=actor)


@router.post("/sales-orders/{number}/packages", status_code=201, operation_id="packSalesOrder",
             summary="Pack picks into a case, or cases onto a pallet (SSCC)")
def pack(request: Request, body: PackIn, number: str = Number, actor: Actor = require(PICK)
         ) -> PackageRead:
    with new_uow(request, write=True) as uow:
        row = service.pack(uow, ref=number, data=body, actor=actor)
        return PackageRead(sscc=row.sscc, kind=row.kind, on=None, shipment=None,
                           packed_at=row.packed_at.isoformat(), packed_by=row.packed_by)


@router.delete("/sales-orders/{number}/packages/{sscc}", status_code=204,
               operation_id="unpackSalesOrder", summary="Unpack an unshipped case or pallet")
def unpack(request: Request, number: str = Number,
           sscc: str = Path(max_length=20, description="The package's SSCC"),
           actor: Actor = require(PICK)) -> None:
    with new_uow(request, write=True) as uow:
        service.unpack(uow, ref=number, sscc=sscc, actor=actor)


# --- shipments ----------------------------------------------------------------------------------
@router.get("/shipments", summary="Shipments (paginated)")
def list_shipments(request: Request,
                   customer: str | None = Query(None, max_length=40, description="Partner code"),
                   limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
                   _: Actor = require(VIEW)) -> ShipmentPage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_shipments(uow, customer=customer, limit=limit,
                                             offset=offset)
        return ShipmentPage(items=rows, total=total)  # type: ignore[arg-type]


@router.post("/shipments", status_code=201, operation_id="createShipment",
             summary="Ship (stock moves, journal, delivery note, certificates, ASN)")
def create_shipment(request: Request, body: ShipmentCreate, actor: Actor = require(SHIP)
                    ) -> ShipmentRead:
    with new_uow(request, write=True) as uow:
        shipment = service.ship(uow, data=body, actor=actor)
        return ShipmentRead(**queries.shipment_view(uow, shipment))


@router.get("/shipments/{number}", summary="One shipment", operation_id="getShipment")
def get_shipment(request: Request, number: str = Number, _: Actor = require(VIEW)
                 ) -> ShipmentRead:
    with new_uow(request, write=False) as uow:
        return ShipmentRead(**queries.shipment_view(
            uow, service.get_shipment_or_raise(uow, number)))


@router.get("/shipments/{number}/asn", operation_id="getAdvanceShipNotice",
            summary="The advance ship notice: an EPCIS 2.0 document")
def advance_ship_notice(request: Request, number: str = Number, _: Actor = require(VIEW)
                        ) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        return service.advance_ship_notice(uow, service.get_shipment_or_raise(uow, number))


@router.post("/shipments/{number}/delivered", operation_id="confirmDelivery",
             summary="Proof of delivery: when, and who received it")
def delivered(request: Request, body: DeliveryIn, number: str = Number,
              actor: Actor = require(SHIP)) -> ShipmentRead:
    with new_uow(request, write=True) as uow:
        shipment = service.confirm_delivery(uow, number=number, data=body, actor=actor)
        return ShipmentRead(**queries.shipment_view(uow, shipment))


# --- returns ------------------------------------------------------------------------------------
@router.post("/returns", status_code=201, operation_id="receiveCustomerReturn",
             summary="Receive a customer return by scan, into quarantine")
def create_return(request: Request, body: ReturnCreate, actor: Actor = require(RETURN)
                  ) -> ReturnRead:
    with new_uow(request, write=True) as uow:
        record = service.receive_return(uow, data=body, actor=actor)
        return ReturnRead(**queries.return_view(uow, record))


@router.get("/returns/{number}", summary="One customer return", operation_id="getCustomerReturn")
def get_return(request: Request, number: str = Number, _: Actor = require(VIEW)) -> ReturnRead:
    with new_uow(request, write=False) as uow:
        return ReturnRead(**queries.return_view(uow, get_return_or_raise(uow, number)))


@router.post("/returns/{number}/lines/{line_id}/disposition", operation_id="dispositionReturn",
             summary="Release a returned line back to stock or scrap it (QA, e-signed)")
def disposition(request: Request, body: DispositionIn, number: str = Number,
                line_id: int = Path(ge=1, le=2**63 - 1), actor: Actor = require(DISPOSITION)
                ) -> ReturnRead:
    with new_uow(request, write=True) as uow:
        service.decide_return_line(uow, number=number, line_id=line_id, data=body, actor=actor)
        return ReturnRead(**queries.return_view(uow, get_return_or_raise(uow, number)))


# --- customers and prices -------------------------------------------------------------------------
def _customer(uow: Any, code: str) -> CustomerRead:
    partner = partners.get_partner_by_code(uow, code)
    if partner is None:
        raise CustomerInvalid(f"no partner {code}", errors=[{"field": "customer",
                                                             "message": "unknown customer"}])
    return CustomerRead(**queries.customer_view(uow, partner))


@router.get("/customers/{code}/sales", summary="A customer's sales terms, ship-tos and "
            "shelf-life rules", operation_id="getCustomerSales")
def get_customer(request: Request, code: str = Code, _: Actor = require(VIEW)) -> CustomerRead:
    with new_uow(request, write=False) as uow:
        return _customer(uow, code)


@router.put("/customers/{code}/sales", summary="Set a customer's sales terms",
            operation_id="setCustomerTerms")
def set_terms(request: Request, body: CustomerTerms, code: str = Code,
              actor: Actor = require(CUSTOMER_EDIT)) -> CustomerRead:
    with new_uow(request, write=True) as uow:
        service.set_terms(uow, customer=code, data=body, actor=actor)
        return _customer(uow, code)


@router.post("/customers/{code}/ship-tos", summary="Add or change a ship-to address",
             operation_id="saveShipTo")
def save_ship_to(request: Request, body: ShipToWrite, code: str = Code,
                 actor: Actor = require(CUSTOMER_EDIT)) -> CustomerRead:
    with new_uow(request, write=True) as uow:
        service.save_ship_to(uow, customer=code, data=body, actor=actor)
        return _customer(uow, code)


@router.put("/customers/{code}/shelf-life-rules", operation_id="setShelfLifeRule",
            summary="Set (or remove) the customer's minimum remaining shelf life of an item")
def set_shelf_life_rule(request: Request, body: ShelfLifeRuleWrite, code: str = Code,
                        actor: Actor = require(CUSTOMER_EDIT)) -> CustomerRead:
    with new_uow(request, write=True) as uow:
        service.set_shelf_life_rule(uow, customer=code, data=body, actor=actor)
        return _customer(uow, code)


@router.get("/prices", summary="The price list", operation_id="listPrices")
def list_prices(request: Request, _: Actor = require(VIEW)) -> list[PriceRead]:
    with new_uow(request, write=False) as uow:
        return [PriceRead(**row) for row in queries.price_list(uow)]


@router.put("/prices", summary="Set an item's list price in a currency and unit",
            operation_id="savePrice")
def save_price(request: Request, body: PriceWrite, actor: Actor = require(PRICE_EDIT)
               ) -> list[PriceRead]:
    with new_uow(request, write=True) as uow:
        service.save_price(uow, data=body, actor=actor)
        return [PriceRead(**row) for row in queries.price_list(uow)]
