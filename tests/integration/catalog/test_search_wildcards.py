"""A search finds the text as typed: LIKE wildcards in it are plain characters."""

from __future__ import annotations

from medtrace.modules import catalog
from medtrace.modules.catalog import ItemCreate
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.trace import gtin


def test_percent_and_underscore_are_searched_literally(db):
    with UnitOfWork(db) as uow:
        for code, name in (("WC-A_1", "Tube 50%"), ("WC-AB1", "Tube 500"), ("WC-A1", "Tube")):
            catalog.create_item(uow, ItemCreate(
                code=code, name_zh=name, name_en=name, tracking="lot", base_uom="EA",
                packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
    with UnitOfWork(db, write=False) as uow:
        def found(text: str) -> set[str]:
            rows, _ = catalog.list_items(uow, search=text)
            return {row.code for row in rows}

        assert found("A_1") == {"WC-A_1"}
        assert found("50%") == {"WC-A_1"}
        assert found("%") == {"WC-A_1"}
        assert found("\\") == set()
        assert found("WC-") == {"WC-A_1", "WC-AB1", "WC-A1"}
