"""The shell of the web application: error pages and catalogue, home, API docs, system tile."""

from medtrace.platform.modules import N_, Module, Tile

MODULE = Module(
    name="web",
    package="medtrace.platform.web",
    summary="Home, error pages and their catalogue, interactive API docs.",
    api=("medtrace.platform.web.pages:api",),
    pages=("medtrace.platform.web.pages:pages", "medtrace.platform.web.api_docs:router"),
    tiles=(Tile("system", N_("System"), 10_000,
                "medtrace.platform.web.dashboard:system_figures", section="system"),),
)
