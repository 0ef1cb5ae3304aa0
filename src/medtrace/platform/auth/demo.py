"""Demo users, one per job role (``roles.JOB_ROLES``); ``make run`` prints these logins."""

from __future__ import annotations

from medtrace.platform.auth import roles, service
from medtrace.platform.db.uow import UnitOfWork

DEMO_PASSWORD = "MedTrace-2026"  # noqa: S105 - published demo login, printed by make run

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
    # the built-in job roles with their platform permissions (each module's demo step adds
    # its share, ``ROLE_GRANTS``); ``medtrace roles init`` creates them all at once
    roles.ensure_job_roles(uow, [])
    for username, printed_name, role, language in DEMO_USERS:
        if service.get_user(uow, username) is None:
            service.create_user(uow, username=username, printed_name=printed_name,
                                password=DEMO_PASSWORD, roles=[role], language=language)


def demo_logins() -> list[tuple[str, str, str]]:
    return [(username, DEMO_PASSWORD, role) for username, _n, role, _l in DEMO_USERS]

