"""Numbering rules for lot numbers, serials and documents."""

from medtrace.platform.modules import N_, Command, Menu, Module

MODULE = Module(
    name="numbering",
    package="medtrace.platform.numbering",
    summary="Numbering rules: patterns, sequences per period, check characters.",
    models=("medtrace.platform.numbering.models",),
    api=("medtrace.platform.numbering.api:router",),
    pages=("medtrace.platform.numbering.web:router",),
    commands=(Command("numbering", "medtrace.platform.numbering.cli:app",
                      "Numbering rules for lot and serial numbers."),),
    menu=(Menu("numbering", N_("Numbering rules"), "/admin/numbering", 4920,
               "platform.admin.numbering"),),
)
