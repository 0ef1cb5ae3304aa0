"""Catalog business actions: items with their conversions and packaging levels (UDI-DIs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, func, or_, select

from medtrace.modules.catalog import events, rules
from medtrace.modules.catalog import queries as lookups
from medtrace.modules.catalog.errors import (
    AltDiInvalid,
    AltDiTaken,
    GtinInvalid,
    GtinTaken,
    ItemCodeTaken,
    ItemInvalid,
    ItemNotFound,
    StatusChangeRefused,
    UnknownUnit,
)
from medtrace.modules.catalog.models import Item, PackagingLevel, UnitConversion, UnitOfMeasure
from medtrace.modules.catalog.schemas import ItemCreate, ItemWrite
from medtrace.platform import customfields
from medtrace.platform.db.search import ESCAPE
from medtrace.platform.db.search import contains as search_pattern
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.standards.udi import (
    Composed,
    UdiComposeError,
    UdiResult,
    compose_gs1,
    parse_udi,
)

ENTITY = "catalog.item"
customfields.register_entity(ENTITY, N_("Items"))

CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./")


def get_item(uow: UnitOfWork, item_id: int) -> Item | None:
    return uow.session.get(Item, item_id)


def get_item_or_raise(uow: UnitOfWork, item_id: int) -> Item:
    item = uow.session.get(Item, item_id)
    if item is None:
        raise ItemNotFound(f"no item {item_id}")
    return item


def get_item_by_code(uow: UnitOfWork, code: str) -> Item | None:
    return uow.session.scalar(select(Item).where(Item.code == code.strip()))


def find_by_gtin(uow: UnitOfWork, gtin: str) -> tuple[Item, PackagingLevel] | None:
    """The item and packaging level a GTIN (any of GTIN-8/12/13/14) identifies."""
    normal = rules.normalize_gtin(gtin)
    if normal is None:
        return None
    level = uow.session.scalar(select(PackagingLevel).where(PackagingLevel.gtin == normal))
    if level is None:
        return None
    return uow.session.get(Item, level.item_id), level  # type: ignore[return-value]


def find_by_alt_di(uow: UnitOfWork, agency: str, di: str) -> tuple[Item, PackagingLevel] | None:
    """The item and packaging level a HIBCC or ICCBBA DI identifies (``UdiResult.di``)."""
    normal = rules.normalize_alt_di(agency, di)
    if normal is None:
        return None
    level = uow.session.scalar(select(PackagingLevel).where(
        PackagingLevel.alt_agency == agency, PackagingLevel.alt_di == normal))
    if level is None:
        return None
    return uow.session.get(Item, level.item_id), level  # type: ignore[return-value]


def list_units(uow: UnitOfWork) -> list[UnitOfMeasure]:
    return list(uow.session.scalars(select(UnitOfMeasure).order_by(UnitOfMeasure.code)))


def list_items(
    uow: UnitOfWork,
    *,
    search: str | None = None,
    status: str | None = None,
    tracking: str | None = None,
    class_cn: str | None = None,
    custom: dict[str, str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Item], int]:
    query = select(Item)
    if search:
        like = search_pattern(search.strip())
        gtin_items = select(PackagingLevel.item_id).where(
            PackagingLevel.gtin.like(like, escape=ESCAPE))
        query = query.where(or_(Item.id.in_(gtin_items), *(
            column.ilike(like, escape=ESCAPE)
            for column in (Item.code, Item.name_zh, Item.name_en))))
    for column, value in ((Item.status, status), (Item.tracking, tracking),
                          (Item.class_cn, class_cn)):
        if value:
            query = query.where(column == value)
    for name, value in (custom or {}).items():
        ids = customfields.matching_record_ids(uow, ENTITY, name, value)
        query = query.where(cast(Item.id, String).in_(ids))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = uow.session.scalars(query.order_by(Item.code).limit(limit).offset(offset))
    return list(rows), int(total)


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message, "type": "value_error"}


def _check(uow: UnitOfWork, data: ItemWrite) -> list[dict[str, str]]:
    problems = []
    units = {u.code for u in list_units(uow)}
    if data.base_uom not in units:
        problems.append(_problem("base_uom", f"unknown unit {data.base_uom}"))
    if data.tracking not in rules.TRACKING_MODES:
        problems.append(_problem("tracking", f"one of {', '.join(rules.TRACKING_MODES)}"))
    for name, allowed in (("class_cn", rules.CLASSES_CN), ("class_us", rules.CLASSES_US),
                          ("class_eu", rules.CLASSES_EU)):
        value = getattr(data, name)
        if value is not None and value not in allowed:
            problems.append(_problem(name, f"one of {', '.join(allowed)}"))
    if (data.storage_min_c is not None and data.storage_max_c is not None
            and data.storage_min_c > data.storage_max_c):
        problems.append(_problem("storage_max_c", "the maximum is below the minimum"))
    if (data.shelf_life_days is not None and data.min_remaining_shelf_life_days is not None
            and data.min_remaining_shelf_life_days > data.shelf_life_days):
        problems.append(_problem("min_remaining_shelf_life_days", "longer than the shelf life"))
    seen_uoms = set()
    for conversion in data.conversions:
        if conversion.uom not in units:
            problems.append(_problem("conversions", f"unknown unit {conversion.uom}"))
        if conversion.uom == data.base_uom or conversion.uom in seen_uoms:
            problems.append(_problem("conversions", f"unit {conversion.uom} given twice"))
        seen_uoms.add(conversion.uom)
    levels = sorted(p.level for p in data.packaging)
    if levels and levels != list(range(len(levels))):
        problems.append(_problem("packaging", "levels must be 0, 1, 2... without gaps"))
    for level in data.packaging:
        if level.level == 0 and level.quantity != 1:
            problems.append(_problem("packaging", "level 0 is one unit of use (quantity 1)"))
        if level.uom is not None and level.uom not in units:
            problems.append(_problem("packaging", f"unknown unit {level.uom}"))
    return problems


def _gtins(uow: UnitOfWork, data: ItemWrite, item_id: int | None) -> dict[int, str]:
    normal: dict[int, str] = {}
    for level in data.packaging:
        gtin = rules.normalize_gtin(level.gtin)
        if gtin is None:
            raise GtinInvalid(f"{level.gtin}: wrong length, characters or check digit",
                              errors=[_problem("packaging.gtin", level.gtin)])
        if gtin in normal.values():
            raise GtinTaken(f"GTIN {gtin} given for two levels")
        owner = uow.session.scalar(select(PackagingLevel).where(PackagingLevel.gtin == gtin))
        if owner is not None and owner.item_id != item_id:
            other = uow.session.get(Item, owner.item_id)
            raise GtinTaken(f"GTIN {gtin} belongs to item {other.code if other else owner.item_id}")
        normal[level.level] = gtin
    return normal


AltDi = tuple[str, str]


def _alt_dis(uow: UnitOfWork, data: ItemWrite, item_id: int | None) -> dict[int, AltDi | None]:
    """Each level's (agency, DI) from another issuing agency, checked and normalised."""
    normal: dict[int, AltDi | None] = {}
    for level in data.packaging:
        agency = (level.alt_agency or "").strip().upper() or None
        raw = (level.alt_di or "").strip() or None
        if agency is None and raw is None:
            normal[level.level] = None
            continue
        shown = f"{agency or '-'} {raw or '-'}"
        if agency not in rules.ALT_AGENCIES:
            raise AltDiInvalid(shown, errors=[_problem("packaging.alt_agency",
                                                       N_("Choose HIBCC or ICCBBA."))])
        hint = rules.ALT_DI_HINTS[agency]
        di = rules.normalize_alt_di(agency, raw or "")
        if di is None:
            raise AltDiInvalid(shown, errors=[_problem("packaging.alt_di", hint)])
        twin = next((other for other, pair in normal.items() if pair == (agency, di)), None)
        if twin is not None:
            raise AltDiTaken(f"{agency} {di} given for levels {twin} and {level.level}",
                             errors=[_problem("packaging.alt_di", f"{agency} {di}")])
        owner = uow.session.scalar(select(PackagingLevel).where(
            PackagingLevel.alt_agency == agency, PackagingLevel.alt_di == di))
        if owner is not None and owner.item_id != item_id:
            other = uow.session.get(Item, owner.item_id)
            raise AltDiTaken(f"{agency} {di} → {other.code if other else owner.item_id}",
                             errors=[_problem("packaging.alt_di", f"{agency} {di}")])
        normal[level.level] = (agency, di)
    return normal


def _sync_packaging(uow: UnitOfWork, item: Item, data: ItemWrite, gtins: dict[int, str],
                    alt_dis: dict[int, AltDi | None]) -> None:
    """Rows are kept per level and updated in place. A row is deleted (and its level
    inserted afresh) when its level goes, or when a DI it holds now goes to another level:
    unique constraints are checked per statement, so swapping GTINs between two levels must
    not update one row while the other still holds the value."""
    wanted: dict[int, set[object]] = {
        level: {gtin} | ({alt_dis[level]} if alt_dis[level] else set())
        for level, gtin in gtins.items()}

    def keeps(row: PackagingLevel) -> bool:
        if row.level not in wanted:
            return False
        held: set[object] = {row.gtin}
        if row.alt_agency and row.alt_di:
            held.add((row.alt_agency, row.alt_di))
        given_away = held - wanted[row.level]
        return not any(given_away & ids for level, ids in wanted.items() if level != row.level)

    item.packaging = [p for p in item.packaging if keeps(p)]
    uow.session.flush()
    by_level = {p.level: p for p in item.packaging}
    for level in data.packaging:
        row = by_level.get(level.level)
        if row is None:
            row = PackagingLevel(level=level.level)
            item.packaging.append(row)
        alt = alt_dis[level.level]
        row.name, row.gtin, row.quantity, row.uom = (
            level.name, gtins[level.level], level.quantity, level.uom)
        row.alt_agency, row.alt_di = alt if alt else (None, None)
    uow.session.flush()


def _apply(uow: UnitOfWork, item: Item, data: ItemWrite) -> None:
    problems = _check(uow, data)
    if problems:
        raise ItemInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                          errors=problems)
    gtins = _gtins(uow, data, item.id)
    alt_dis = _alt_dis(uow, data, item.id)
    fields = data.model_dump(exclude={"conversions", "packaging", "custom_fields"})
    for name, value in fields.items():
        setattr(item, name, value)
    if item.id is None:
        uow.session.add(item)
    wanted = {c.uom: c.factor for c in data.conversions}
    item.conversions = [c for c in item.conversions if c.uom in wanted]
    for conversion in item.conversions:
        conversion.factor = wanted.pop(conversion.uom)
    item.conversions.extend(UnitConversion(uom=u, factor=f) for u, f in sorted(wanted.items()))
    _sync_packaging(uow, item, data, gtins, alt_dis)
    customfields.set_values(uow, ENTITY, item.id, data.custom_fields)


def create_item(uow: UnitOfWork, data: ItemCreate) -> Item:
    code = data.code.strip()
    if not code or not set(code) <= CODE_CHARS:
        raise ItemInvalid("item codes use letters, digits and - _ . /",
                          errors=[_problem("code", "invalid characters")])
    if get_item_by_code(uow, code) is not None:
        raise ItemCodeTaken(f"item {code} exists")
    item = Item(code=code, status=rules.ItemStatus.DRAFT, notes="", conversions=[], packaging=[])
    _apply(uow, item, data)
    uow.flush()
    uow.publish(events.item_created(item))
    return item


def update_item(uow: UnitOfWork, item_id: int, data: ItemWrite) -> Item:
    item = get_item_or_raise(uow, item_id)
    _apply(uow, item, data)
    uow.after_commit(lambda: lookups.forget_item(item_id))
    return item


def set_status(uow: UnitOfWork, item_id: int, status: str) -> Item:
    item = get_item_or_raise(uow, item_id)
    if status not in rules.STATUS_MOVES.get(item.status, set()):
        raise StatusChangeRefused(f"{item.status} → {status}")
    if status == "active" and not item.packaging:
        raise StatusChangeRefused("an item needs its UDI-DI (packaging level 0) to be active")
    old, item.status = item.status, status
    uow.session.flush()
    uow.publish(events.ItemStatusChanged(item_id=item.id, code=item.code, old_status=old,
                                         new_status=status))
    return item


def factor_of(item: Item, uom: str) -> Decimal:
    """Base units in one ``uom`` of the item."""
    if uom == item.base_uom:
        return Decimal(1)
    for conversion in item.conversions:
        if conversion.uom == uom:
            return conversion.factor
    raise UnknownUnit(f"{item.code} has no unit {uom}")


def to_base_quantity(uow: UnitOfWork, item_id: int, quantity: Decimal, uom: str) -> Decimal:
    item = get_item_or_raise(uow, item_id)
    return rules.to_base(quantity, factor_of(item, uom))


def custom_values(uow: UnitOfWork, item_id: int) -> dict[str, Any]:
    return customfields.get_values(uow, ENTITY, item_id)


def item_summary(item: Item, locale: str) -> dict[str, Any]:
    """What a scan or another module shows of an item."""
    return {"id": item.id, "code": item.code,
            "name": item.name_zh if locale == "zh_CN" else item.name_en,
            "tracking": item.tracking, "status": item.status, "class_cn": item.class_cn}


def resolve_udi(uow: UnitOfWork, code: str, locale: str = "zh_CN") -> dict[str, Any]:
    """Parse a raw scan and resolve it against master data: the JSON of `udi parse`."""
    return resolve_parsed(uow, parse_udi(code), locale)


def resolve_parsed(uow: UnitOfWork, parsed: UdiResult, locale: str = "zh_CN") -> dict[str, Any]:
    """``parsed.to_dict()`` with ``item`` set when master data knows the DI: a GTIN (GS1), or
    a HIBCC or ICCBBA DI of a packaging level."""
    result = parsed.to_dict()
    found = None
    if parsed.gtin:
        found = find_by_gtin(uow, parsed.gtin)
    elif parsed.agency in rules.ALT_AGENCIES and parsed.di:
        found = find_by_alt_di(uow, parsed.agency, parsed.di)
    if found is not None:
        item, level = found
        result["item"] = {**item_summary(item, locale), "packaging_level": level.level,
                          "packaging_name": level.name, "quantity": str(level.quantity)}
    return result


def label_for(uow: UnitOfWork, item_id: int, *, level: int = 0, lot: str | None = None,
              serial: str | None = None, expiry: str | None = None,
              production_date: str | None = None) -> Composed:
    """The GS1 UDI of one unit (or package) of an item, checked like any other input."""
    item = get_item_or_raise(uow, item_id)
    gtins = {p.level: p.gtin for p in item.packaging}
    if level not in gtins:
        raise ItemInvalid(f"{item.code} has no packaging level {level} with a GTIN",
                          errors=[_problem("level", N_("The item has no such packaging level."))])
    if rules.tracks_lot(item.tracking) and not lot:
        raise ItemInvalid(f"{item.code} is tracked by lot: give the lot",
                          errors=[_problem("lot", N_("The item is tracked by lot: give the lot."))])
    if rules.tracks_serial(item.tracking) and not serial and level == 0:
        raise ItemInvalid(f"{item.code} is tracked by serial number: give the serial",
                          errors=[_problem("serial", N_("The item is tracked by serial number: "
                                                        "give the serial number."))])
    def as_date(value: str | None) -> dt.date | str | None:
        """ISO dates (YYYY-MM-DD) become dates; YYMMDD (day 00 allowed) goes through."""
        if value and len(value) == 10:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value or None

    try:
        return compose_gs1(gtins[level], lot=lot or None, serial=serial or None,
                           expiry=as_date(expiry), production_date=as_date(production_date))
    except UdiComposeError as exc:  # the parser's code and parameters, to translate
        raise ItemInvalid(str(exc), errors=[{**_problem("udi", str(exc)), "code": exc.code,
                                             "params": exc.params}]) from None
