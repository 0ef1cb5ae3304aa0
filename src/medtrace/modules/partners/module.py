"""Partners: suppliers, customers, manufacturers, their licences and approvals."""

from medtrace.platform.modules import N_, Demo, Menu, Module, Tile

MODULE = Module(
    name="partners",
    package="medtrace.modules.partners",
    summary="Suppliers, customers, qualifications, first-operation approval, approved suppliers.",
    models=("medtrace.modules.partners.models",),
    api=("medtrace.modules.partners.api:router",),
    pages=("medtrace.modules.partners.web:router",),
    menu=(Menu("partners", N_("Partners"), "/partners", 200, "partners.partner.view"),),
    tiles=(Tile("partners.renewals", N_("Partner documents"), 200,
                "medtrace.modules.partners.queries:renewal_figures",
                "partners.partner.edit", section="waiting"),
           Tile("partners.approvals", N_("First-operation approvals"), 210,
                "medtrace.modules.partners.queries:approval_figures",
                "partners.approval.decide", section="waiting"),
           Tile("partners.licences", N_("Licences"), 200,
                "medtrace.modules.partners.queries:licence_alert_figures",
                "partners.partner.view", section="alerts")),
    demo=(Demo("modules.partners", 20, "medtrace.modules.partners.demo:load"),),
)
