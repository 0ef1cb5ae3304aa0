"""The home page is a dashboard: each demo role sees its own panels (what waits for it, the
alerts it may act on, the figures of its work), and the figures count what is in the database:
an expiring lot, an item below its minimum, an expiring licence, a lot to release, traces."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from medtrace.modules import catalog, inventory, partners, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate
from medtrace.modules.inventory.alerts import queries as alerts
from medtrace.modules.partners import PartnerCreate
from medtrace.modules.partners.schemas import DocumentWrite
from medtrace.modules.partners.service import add_document
from medtrace.platform.actor import SYSTEM
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db.uow import UnitOfWork
from medtrace.registry import load_demo
from tests.factories.auth import make_user, web_login
from tests.factories.trace import gtin

_FIGURE = re.compile(r'data-figure="([^"]+)">(?:(?!data-figure=).)*?'
                     r'<span class="figure-value">([\d,.]+)</span>', re.S)

EXPIRING = "Lots and units expiring within %(days)s days"
BELOW = "Items below minimum stock"
LICENCES = "Licences expiring within %(days)s days"
RENEW = "Licences to renew"
RELEASE = "Lots and units in quarantine, to release"
TRACES = "Traces today"
MOVES = "Stock moves today"


def _home(client) -> tuple[set[str], dict[str, Decimal], str]:  # type: ignore[no-untyped-def]
    page = client.get("/")
    assert page.status_code == 200, page.text
    panels = set(re.findall(r'data-panel="([^"]+)"', page.text))
    figures = {label: Decimal(value.replace(",", ""))
               for label, value in _FIGURE.findall(page.text)}
    return panels, figures, page.text


def _as(client, username: str, password: str = DEMO_PASSWORD):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    assert web_login(client, username, password).status_code == 303
    return _home(client)


def test_each_demo_role_sees_its_own_dashboard(client, db):
    with UnitOfWork(db) as uow:
        load_demo(uow)
    warehouse, _, _ = _as(client, "wang.wei")
    qa, _, qa_page = _as(client, "li.na")
    sales, _, _ = _as(client, "chen.jie")

    assert {"inventory.alerts", "inventory.moves", "traceability.traces",
            "partners.licences"} <= warehouse
    assert not warehouse & {"traceability.release", "inventory.count_approval",
                            "partners.renewals", "partners.approvals", "access"}
    assert {"traceability.release", "inventory.count_approval", "partners.approvals",
            "inventory.alerts", "access"} <= qa
    assert "partners.renewals" not in qa
    assert {"partners.renewals", "partners.licences", "traceability.traces"} <= sales
    assert not sales & {"traceability.release", "inventory.count_approval", "access"}
    # the sections are titled in the user's language (the demo QA user reads Chinese)
    assert "等待您处理" in qa_page and "提醒" in qa_page


def test_the_figures_count_what_is_in_the_database(client, db):
    with UnitOfWork(db) as uow:
        load_demo(uow)
    make_user(db, "dash.admin", admin=True)
    client.cookies.clear()
    assert web_login(client, "dash.admin").status_code == 303
    _, before, _ = _home(client)

    with UnitOfWork(db) as uow:
        today = uow.today()
        item = catalog.create_item(uow, ItemCreate(
            code="DASH-1", name_zh="仪表盘测试", name_en="Dashboard test", tracking="lot",
            base_uom="EA", packaging=[{"level": 0, "name": "unit", "gtin": gtin(),
                                       "quantity": "1"}]))
        lot = traceability.create_lot(uow, item_id=item.id, number="DASH-EXP",
                                      status="released",
                                      expiry_date=today + dt.timedelta(days=20))
        traceability.create_lot(uow, item_id=item.id, number="DASH-Q", status="quarantine",
                                expiry_date=today + dt.timedelta(days=400))
        inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
            item_id=item.id, quantity=Decimal(5), from_location="V-SUPPLIER",
            to_location="WH-SJ-A01", purpose="receipt", lot_id=lot.id, doc="DASH-RC"))
        alerts.set_min_stock(uow, item_id=item.id, site="SITE-SJ", quantity=Decimal(10))
        partner = partners.create_partner(uow, PartnerCreate(
            code="DASH-SUP", name_zh="仪表盘供应商", name_en="Dashboard supplier",
            is_supplier=True))
        add_document(uow, partner.id, DocumentWrite(
            doc_type="business_licence", number="DASH-BL-1",
            valid_from=today - dt.timedelta(days=700), valid_to=today + dt.timedelta(days=10)))
    for _ in range(3):
        answer = client.get("/api/v1/trace/backward", params={"code": "DASH-EXP",
                                                             "item": "DASH-1"})
        assert answer.status_code == 200, answer.text

    _, after, page = _home(client)
    for label in (EXPIRING, BELOW, LICENCES, RENEW, RELEASE, MOVES):
        assert after[label] == before[label] + 1, label
    assert after[TRACES] == before[TRACES] + 3

    # the same numbers as the lists the figures link to
    listed = client.get("/api/v1/inventory/alerts").json()
    assert after[EXPIRING] == sum(1 for g in listed["expiring"] if not g["expired"])
    assert after[BELOW] == len(listed["below_minimum"])
    assert 'href="/inventory/stock?days=90"' in page and 'href="/partners/expiring?days=30"' in page
    # the trend charts: inline SVG with a text alternative
    assert page.count('<svg class="chart"') == 2 and "<desc id=" in page
    assert "Median trace query time today" in page


def test_a_user_without_module_permissions_sees_no_business_panel(client, db):
    make_user(db, "plain.user", permissions=[])
    assert web_login(client, "plain.user").status_code == 303
    panels, _, page = _home(client)
    assert panels <= {"system", "my_tasks"}  # everyone has an inbox
    assert '<svg class="chart"' not in page
