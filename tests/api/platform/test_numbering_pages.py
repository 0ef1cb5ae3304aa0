"""The numbering rules page: define and change rules through the form (CSRF, refusals in the
user's language, next numbers shown), permission."""

from __future__ import annotations

from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.numbering import list_rules
from medtrace.platform.numbering.api import ADMIN_NUMBERING
from tests.factories.auth import csrf_from, make_user, web_login

RULE = {"scope": "traceability.lot", "pattern": "L{YYMMDD}{SEQ:3}", "reset": "daily",
        "check": "none", "description": "Lots", "active": "on"}


def test_admin_defines_and_changes_a_rule_through_the_page(admin_client, db):
    client = admin_client
    page = client.get("/admin/numbering")
    assert page.status_code == 200 and "编号规则" in page.text
    assert 'href="/admin/numbering"' in page.text.split('class="sidenav"')[1]  # in the nav
    token = csrf_from(page.text)
    bad = client.post("/admin/numbering", data={**RULE, "csrf_token": token,
                                                 "pattern": "批号{SEQ:3}{SEQ:2}"})
    assert bad.status_code == 422 and "MT-NUMBERING-RULE-INVALID" in bad.text
    assert "编号规则无效。" in bad.text and "不属于 GS1 字符集 82" in bad.text
    assert "编号格式须恰好包含一个 {SEQ:n}" in bad.text

    saved = client.post("/admin/numbering", data={**RULE, "csrf_token": token},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    shown = client.get(saved.headers["location"])
    assert 'data-testid="saved"' in shown.text and 'value="L{YYMMDD}{SEQ:3}"' in shown.text
    assert 'data-testid="next-number">L' in shown.text and 'data-testid="upcoming"' in shown.text
    changed = client.post("/admin/numbering", data={**RULE, "csrf_token": token,
                                                    "pattern": "LT{YYMMDD}{SEQ:4}",
                                                    "reason": "longer sequence"},
                          follow_redirects=False)
    assert changed.status_code == 303
    with UnitOfWork(db, write=False) as uow:
        rules, total = list_rules(uow)
    assert total == 1 and rules[0].pattern == "LT{YYMMDD}{SEQ:4}"
    no_csrf = client.post("/admin/numbering", data=RULE)
    assert no_csrf.status_code == 403


def test_the_page_needs_the_numbering_permission(client, db):
    make_user(db, "clerk", permissions=[])
    web_login(client, "clerk")
    assert client.get("/admin/numbering").status_code == 403
    make_user(db, "num.admin", permissions=[ADMIN_NUMBERING])
    client.cookies.clear()
    web_login(client, "num.admin")
    assert client.get("/admin/numbering").status_code == 200
