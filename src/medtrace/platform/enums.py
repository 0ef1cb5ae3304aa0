"""Statuses and other closed vocabularies as enums that carry their label.

A member is its stored value (a ``str``, so it compares equal to the text in the database, in
JSON and in templates) and knows its translatable label (a msgid)::

    class LotStatus(LabelledEnum):
        QUARANTINE = "quarantine", N_("quarantine")
        RELEASED = "released", N_("released")

    LotStatus.RELEASED == "released"        # True
    LotStatus.RELEASED.label                # "released" (translate it where it is shown)
    LotStatus.labels()                      # {"quarantine": "quarantine", ...}

Groups (which statuses may be issued, which are final) are class-level frozensets defined next
to the members, and the SQL predicate that uses a group lives beside the model it filters, so
every rule about a status is written once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members are declared as ``(value, label msgid)``."""

    label: str

    def __new__(cls, value: str, label: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """``{value: label msgid}`` in declaration order, for selects and label look-ups."""
        return {member.value: member.label for member in cls}

    @classmethod
    def parse(cls, value: Any) -> Self | None:
        """The member for ``value``, or None when it is not one."""
        try:
            return cls(value)
        except ValueError:
            return None
