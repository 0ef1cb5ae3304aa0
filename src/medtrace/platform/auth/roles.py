"""The built-in job roles: what a new plant starts from (``medtrace roles init``) and what the
demo users hold. Each business module's ``permissions.py`` says what its part of each job is
(``ROLE_GRANTS``: role code -> permission codes); the registry gathers them, so the platform
names no module permission. The ``admin`` role (every permission) is ``ensure_admin_role``'s.

Creating the roles never changes a role that exists: a plant's own changes stay."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from medtrace.platform.auth import permissions as perms
from medtrace.platform.auth import service
from medtrace.platform.db.uow import UnitOfWork

#: role code, Chinese name, English name, platform permissions (modules add their own)
JOB_ROLES: list[tuple[str, str, str, list[str]]] = [
    ("warehouse", "仓库管理员", "Warehouse", []),
    ("warehouse_lead", "仓库主管", "Warehouse supervisor", []),
    ("qa", "质量保证", "Quality assurance", [perms.AUDIT_VIEW, perms.SYSTEM_VIEW]),
    ("production", "生产", "Production", []),
    ("sales", "销售", "Sales", []),
    ("service", "售后服务", "Service", []),
    ("purchasing", "采购", "Purchasing", []),
    # approvers the shipped workflows name (docs/workflows.md)
    ("finance", "财务审批", "Finance approver", []),
    ("engineering", "研发工程", "Engineering", []),
    ("management", "管理层", "Management", []),
]


def job_role_permissions(module_grants: Sequence[Mapping[str, Sequence[str]]]
                         ) -> dict[str, list[str]]:
    """Each job role's permissions: its platform ones and every module's share."""
    found = {code: set(platform) for code, _zh, _en, platform in JOB_ROLES}
    for grants in module_grants:
        for code, granted in grants.items():
            if code in found:
                found[code].update(granted)
    return {code: sorted(granted) for code, granted in found.items()}


def ensure_job_roles(uow: UnitOfWork, module_grants: Sequence[Mapping[str, Sequence[str]]]
                     ) -> list[str]:
    """Create the job roles that do not exist yet (and the admin role); the codes created."""
    service.ensure_admin_role(uow)
    existing = {role.code for role in service.list_roles(uow)}
    granted = job_role_permissions(module_grants)
    created = []
    for code, name_zh, name_en, _platform in JOB_ROLES:
        if code in existing:
            continue
        service.save_role(uow, code=code, name_zh=name_zh, name_en=name_en,
                          permissions=granted[code])
        created.append(code)
    return created


def add_grants(uow: UnitOfWork, grants: Mapping[str, Sequence[str]]) -> None:
    """Add a part's share of permissions (its ``ROLE_GRANTS``) to the job roles that exist:
    what each module's demo step does for the demo's roles."""
    for role in service.list_roles(uow):
        extra = grants.get(role.code)
        if extra and not set(extra) <= set(role.permission_codes):
            service.save_role(uow, code=role.code, name_zh=role.name_zh, name_en=role.name_en,
                              description=role.description, grants_all=role.grants_all,
                              permissions=sorted(set(role.permission_codes) | set(extra)))
