"""import-linter contract types of our own, registered in pyproject.toml (``contract_types``).

- ``registry_layers``: the business modules are layered in the order of ``medtrace.registry``
  (lowest first); the list there is the only place the order is written.
- ``package_root_only``: a module imports only the *package root* of another module
  (``from medtrace.modules import catalog``), never its ``models``, ``service`` or ``queries``.

``lint-imports`` (in ``make test``) runs them with the built-in contracts.
"""

from __future__ import annotations

from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.contracts.layers import LayersContract


class RegistryLayersContract(LayersContract):
    """A layers contract whose layers are read from ``medtrace.registry.MODULES``."""

    def __init__(self, name: str, session_options: dict[str, Any],
                 contract_options: dict[str, Any]) -> None:
        from medtrace.registry import module_layers

        layers = [" | ".join(layer) for layer in reversed(module_layers())]  # highest first
        super().__init__(name, session_options, {**contract_options, "layers": layers})


class PackageRootOnlyContract(Contract):
    """Outside a module, only its package root may be imported.

    Options: ``containers`` (the packages whose children are the modules), ``allowed_importers``
    (modules that may import deeper, e.g. the application factory).
    """

    containers = fields.ListField(subfield=fields.StringField())
    allowed_importers = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        allowed = list(self.allowed_importers or [])  # type: ignore[arg-type]
        broken = []
        for container in self.containers:  # type: ignore[attr-defined]
            for module in sorted(graph.find_children(container)):
                inner = graph.find_descendants(module)
                for target in sorted(inner):
                    for importer in sorted(graph.find_modules_that_directly_import(target)):
                        if importer == module or importer.startswith(module + "."):
                            continue
                        if any(importer == a or importer.startswith(a + ".") for a in allowed):
                            continue
                        lines = graph.get_import_details(importer=importer, imported=target)
                        where = ", ".join(str(d["line_number"]) for d in lines)
                        broken.append((importer, target, module, where))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, target, module, where in check.metadata["broken"]:
            output.print_error(
                f"{importer} imports {target} (line {where}): import the package root "
                f"{module} and use what its __all__ exports.", bold=False)
            output.new_line()
