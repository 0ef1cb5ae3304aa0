"""Electronic signatures."""

from medtrace.platform.modules import Module

MODULE = Module(
    name="esign",
    package="medtrace.platform.esign",
    summary="Electronic signatures: re-authentication, meaning, record hash.",
    models=("medtrace.platform.esign.models",),
    api=("medtrace.platform.esign.api:router",),
)
