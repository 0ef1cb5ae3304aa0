"""Business policy settings (company profile, password rules...), stored in the database."""

from medtrace.platform.modules import Demo, Module

MODULE = Module(
    name="policy",
    package="medtrace.platform.policy",
    summary="Typed business policy settings in an audited table.",
    models=("medtrace.platform.policy.models",),
    demo=(Demo("platform.company", 0, "medtrace.platform.demo:company_profile"),),
)
