"""Custom fields that plants add to records without code."""

from medtrace.platform.modules import N_, Menu, Module

MODULE = Module(
    name="customfields",
    package="medtrace.platform.customfields",
    summary="Custom fields: definitions, validated values, indexed look-ups.",
    models=("medtrace.platform.customfields.models",),
    api=("medtrace.platform.customfields.api:router",),
    pages=("medtrace.platform.customfields.web:router",),
    menu=(Menu("customfields", N_("Custom fields"), "/admin/custom-fields", 4910,
               "platform.admin.customfields"),),
)
