"""The audit trail reads as words: record kinds and field labels from the catalogs, users by
their printed name, actions as words, links to the records, long values folded, e-signatures
shown on the audit page and on the record they sign, a record type chosen from a list."""

from __future__ import annotations

import re

import medtrace.models  # noqa: F401 - every module's audited models
from medtrace.platform import esign
from medtrace.platform.audit.labels import COMMON_FIELDS
from medtrace.platform.audit.present import record_kinds
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.models import Role, User
from medtrace.platform.auth.permissions import AUDIT_VIEW
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import get_translations
from tests.factories.auth import PASSWORD, make_role, make_user


def test_every_audited_field_has_a_label_translated_into_chinese():
    zh = get_translations("zh_CN")
    missing, untranslated = [], []
    for kind in record_kinds().values():
        model = kind.model
        ignored = set(model.__audit_ignore__)
        assert model.__audit_label__, f"{kind.entity_type} has no __audit_label__"
        labels = [model.__audit_label__]
        for column in model.__mapper__.columns:
            if column.key in ignored:
                continue
            label = kind.field_label(column.key)
            if label is None:
                missing.append(f"{kind.entity_type}.{column.key}")
            else:
                labels.append(label)
        untranslated += [m for m in labels if zh.gettext(m) == m and m not in ("GTIN",)]
    assert missing == [], "audited fields without a label (__audit_fields__ or COMMON_FIELDS)"
    assert sorted(set(untranslated)) == []
    assert all(zh.gettext(m) != m for m in COMMON_FIELDS.values())


def test_the_audit_page_reads_as_words_in_chinese(admin_client, db):
    user_id = make_user(db, "wang.fang", printed_name="王芳", permissions=[AUDIT_VIEW])
    role_id = make_role(db, "long-notes", [AUDIT_VIEW])
    with UnitOfWork(db) as uow:
        uow.session.get(Role, role_id).description = "很长的说明" * 60  # 300 characters
    page = admin_client.get("/audit", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    text = page.text
    # the record type is chosen from a list of names, not typed as a table name
    select = text.split('data-testid="entity-filter"')[1].split("</select>")[0]
    assert '<option value="auth_user">用户</option>' in select
    assert '<option value="catalog_item">产品</option>' in select
    # the user's creation: the kind in words, linked, the fields labelled, the action a word
    assert f'<a href="/admin/users/{user_id}" data-testid="record-link">用户 wang.fang</a>' in text
    assert "用户名" in text
    assert "auth.user.create" not in text and ">auth_user<" not in text
    # a long value is folded
    assert "<details><summary>显示完整内容</summary>" in text
    # filtering by the chosen kind
    only_users = admin_client.get("/audit?entity=auth_user").text
    assert "用户 wang.fang" in only_users and "角色 long-notes" not in only_users


def test_users_by_name_and_signatures_on_the_audit_page_and_on_the_record(admin_client, db):
    make_user(db, "li.na", printed_name="李娜", permissions=[AUDIT_VIEW])
    role_id = make_role(db, "signed-role", [AUDIT_VIEW])
    with UnitOfWork(db) as uow:
        signer = uow.session.query(User).filter_by(username="li.na").one()
        actor = auth_service.actor_for_user(signer)
        uow.context["actor"] = actor
        esign.sign(uow, record=uow.session.get(Role, role_id), meaning="approved",
                   password=PASSWORD, actor=actor, comment="权限审批")
    page = admin_client.get("/audit", headers={"Accept-Language": "zh-CN"}).text
    section = page.split('data-testid="audit-signatures"')[1].split("</section>")[0]
    assert "李娜" in section and "批准" in section and "权限审批" in section
    assert "/admin/roles" in section and "有效" in section
    english = admin_client.get("/lang/en", follow_redirects=True)
    assert english.status_code == 200
    page_en = admin_client.get("/audit").text
    assert "Approved" in page_en.split('data-testid="audit-signatures"')[1]
    admin_client.get("/lang/zh_CN")


def test_a_signed_record_shows_its_signatures_on_its_page(admin_client, db):
    user_id = make_user(db, "signed.user", printed_name="赵敏", permissions=[AUDIT_VIEW])
    with UnitOfWork(db) as uow:
        admin = uow.session.query(User).filter_by(username="root.admin").one_or_none()
        signer = admin or uow.session.get(User, user_id)
        actor = auth_service.actor_for_user(signer)
        esign.sign(uow, record=uow.session.get(User, user_id), meaning="reviewed",
                   password=PASSWORD, actor=actor)
    page = admin_client.get(f"/admin/users/{user_id}").text
    panel = page.split('data-testid="history"')[1]
    assert 'data-testid="signatures"' in panel and "审核" in panel
    assert re.search(r"创建", panel)
