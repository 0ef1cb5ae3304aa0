"""Custom-field filters are answered from the typed, indexed value columns."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text

from medtrace.platform import customfields
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.customfields import make_field


def _plan(uow: UnitOfWork, query) -> str:
    compiled = query.compile(uow.session.get_bind(), compile_kwargs={"literal_binds": True})
    if uow.db.dialect == "sqlite":
        rows = uow.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return " ".join(str(r[-1]) for r in rows)
    uow.session.execute(text("ANALYZE customfields_value"))
    uow.session.execute(text("SET LOCAL enable_seqscan = off"))  # tiny tables: force the choice
    return " ".join(r[0] for r in uow.session.execute(text(f"EXPLAIN {compiled}")).all())


def test_filters_use_the_index_of_their_type(db):
    make_field(db, "partners.partner", "credit", "number", min_value=Decimal(0))
    make_field(db, "partners.partner", "tax_id", "text")
    make_field(db, "partners.partner", "audited_on", "date")
    with UnitOfWork(db) as uow:
        for record in range(3):
            customfields.set_values(uow, "partners.partner", record, {
                "credit": str(record * 10), "tax_id": f"T{record}",
                "audited_on": f"2026-01-0{record + 1}"})
    with UnitOfWork(db, write=False) as uow:
        for name, value, index in (("credit", "10.0", "ix_customfields_value_number"),
                                   ("tax_id", "T1", "ix_customfields_value_text"),
                                   ("audited_on", "2026-01-02", "ix_customfields_value_date")):
            query = customfields.matching_record_ids(uow, "partners.partner", name, value)
            assert list(uow.session.scalars(query)) == ["1"], name
            assert index in _plan(uow, query), (name, _plan(uow, query))
