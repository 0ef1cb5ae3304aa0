"""Demo roles and one user per main role; ``make run`` prints these logins."""

from __future__ import annotations

from medtrace.platform.auth import permissions as perms
from medtrace.platform.auth import service
from medtrace.platform.db.uow import UnitOfWork

DEMO_PASSWORD = "MedTrace-2026"  # noqa: S105 - published demo login, printed by make run

#: role code, Chinese name, English name, platform permissions (modules add their own); the
#: built-in ``admin`` role comes from ``service.ensure_admin_role``
DEMO_ROLES = [
    ("warehouse", "仓库管理员", "Warehouse", [], False),
    ("warehouse_lead", "仓库主管", "Warehouse supervisor", [], False),
    ("qa", "质量保证", "Quality assurance", [perms.AUDIT_VIEW, perms.SYSTEM_VIEW], False),
    ("production", "生产", "Production", [], False),
    ("sales", "销售", "Sales", [], False),
    ("service", "售后服务", "Service", [], False),
]

#: username, printed name, role, language
DEMO_USERS = [
    ("admin", "系统管理员 Admin", "admin", "zh_CN"),
    ("wang.wei", "王伟", "warehouse", "zh_CN"),
    ("zhao.lei", "赵磊", "warehouse_lead", "zh_CN"),
    ("li.na", "李娜", "qa", "zh_CN"),
    ("zhang.min", "张敏", "production", "zh_CN"),
    ("chen.jie", "陈杰", "sales", "zh_CN"),
    ("liu.yang", "刘洋", "service", "en"),
]


def load(uow: UnitOfWork) -> None:
    service.ensure_admin_role(uow)  # the built-in one: every permission, never changed
    for code, name_zh, name_en, granted, grants_all in DEMO_ROLES:
        service.save_role(uow, code=code, name_zh=name_zh, name_en=name_en,
                          permissions=granted, grants_all=grants_all)
    for username, printed_name, role, language in DEMO_USERS:
        if service.get_user(uow, username) is None:
            service.create_user(uow, username=username, printed_name=printed_name,
                                password=DEMO_PASSWORD, roles=[role], language=language)


def demo_logins() -> list[tuple[str, str, str]]:
    return [(username, DEMO_PASSWORD, role) for username, _n, role, _l in DEMO_USERS]

