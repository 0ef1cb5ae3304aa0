"""Users, roles, permissions, sessions, tokens and API clients."""

from medtrace.platform.modules import N_, Command, Demo, Menu, Module, Tile

MODULE = Module(
    name="auth",
    package="medtrace.platform.auth",
    summary="Identity and access: users, roles, sessions, tokens, API clients.",
    models=("medtrace.platform.auth.models",),
    api=("medtrace.platform.auth.api:router",),
    pages=("medtrace.platform.auth.web:router", "medtrace.platform.auth.admin_web:router"),
    commands=(Command("user", "medtrace.platform.auth.cli:app", "Users: create, set passwords."),),
    menu=(Menu("admin", N_("Administration"), "/admin/users", 4900, "platform.admin.users"),),
    demo=(Demo("platform.auth", 10, "medtrace.platform.auth.demo:load"),),
    tiles=(Tile("access", N_("Access and audit"), 9_000,
                "medtrace.platform.auth.dashboard:access_figures", "platform.audit.view",
                section="system"),),
)
