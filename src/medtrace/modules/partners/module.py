"""Partners: suppliers, customers, manufacturers, their licences and approvals."""

from medtrace.platform.modules import N_, Demo, Menu, Module

MODULE = Module(
    name="partners",
    package="medtrace.modules.partners",
    summary="Suppliers, customers, qualifications, first-operation approval, approved suppliers.",
    models=("medtrace.modules.partners.models",),
    api=("medtrace.modules.partners.api:router",),
    pages=("medtrace.modules.partners.web:router",),
    menu=(Menu("partners", N_("Partners"), "/partners", 200, "partners.partner.view"),),
    demo=(Demo("modules.partners", 20, "medtrace.modules.partners.demo:load"),),
)
