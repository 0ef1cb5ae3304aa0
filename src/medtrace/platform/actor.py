"""Who does something: a user, an API client (machine account) or the system itself.

The entrypoint puts the actor into ``uow.context["actor"]``; the audit trail, signatures and
journal read it from there, so no service passes "who" by hand to the mechanisms.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" | "client" | "system"
    id: int | None
    name: str  # username, client id, or the system job's name
    printed_name: str = ""
    permissions: frozenset[str] = field(default_factory=frozenset)
    grants_all: bool = False

    @property
    def key(self) -> str:
        """Stable identity of the credential, e.g. ``user:12`` (idempotency keys are per key)."""
        return f"{self.kind}:{self.id if self.id is not None else self.name}"

    def can(self, permission: str) -> bool:
        return self.grants_all or permission in self.permissions


SYSTEM = Actor(kind="system", id=None, name="system", printed_name="MedTrace", grants_all=True)
