"""Custom-field filters are answered from the typed, indexed value columns."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import inspect, text

from medtrace.platform import customfields
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.customfields import make_field

INDEXES = {"ix_customfields_value_number": ["field_id", "value_number"],
           "ix_customfields_value_text": ["field_id", "value_text"],
           "ix_customfields_value_date": ["field_id", "value_date"]}


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
        connection = uow.session.connection()
        present = {i["name"]: i["column_names"]
                   for i in inspect(connection).get_indexes("customfields_value")}
        assert {name: present.get(name) for name in INDEXES} == INDEXES
        for name, value, index in (("credit", "10.0", "ix_customfields_value_number"),
                                   ("tax_id", "T1", "ix_customfields_value_text"),
                                   ("audited_on", "2026-01-02", "ix_customfields_value_date")):
            query = customfields.matching_record_ids(uow, "partners.partner", name, value)
            assert list(uow.session.scalars(query)) == ["1"], name
            if uow.db.dialect == "sqlite":  # PostgreSQL's choice depends on its statistics
                compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
                plan = " ".join(str(row[-1]) for row in connection.execute(
                    text(f"EXPLAIN QUERY PLAN {compiled}")))
                assert index in plan, (name, plan)
