"""The tamper-evident audit trail."""

from medtrace.platform.modules import N_, Command, Menu, Module

MODULE = Module(
    name="audit",
    package="medtrace.platform.audit",
    summary="Automatic, hash-chained, append-only audit trail.",
    models=("medtrace.platform.audit.models", "medtrace.platform.audit.checkpoint_models"),
    api=("medtrace.platform.audit.routes:api",),
    pages=("medtrace.platform.audit.routes:pages",),
    commands=(Command("audit", "medtrace.platform.audit.cli:app",
                      "Audit trail: verify the hash chain."),),
    jobs=("medtrace.platform.audit.checkpoint:AUDIT_CHECKPOINT",),
    menu=(Menu("audit", N_("Audit trail"), "/audit", 4800, "platform.audit.view"),),
)
