"""Numbering rules (audited: who changed a pattern, when and how) and their counters (one row
per rule and period; not audited, the numbers they issue are recorded where they are used)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, TimestampMixin, utcnow
from medtrace.platform.i18n import N_


class NumberingRule(Audited, TimestampMixin, Base):
    """How the numbers of one scope look: ``pattern`` (see ``pattern.py``), when the sequence
    restarts (``reset``) and the check character appended (``check_char``)."""

    __tablename__ = "numbering_rule"
    __audit_label__ = N_("Numbering rule")
    __audit_link__ = "/admin/numbering"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "scope": N_("Scope"),
        "reset": N_("Sequence reset"),
        "check_char": N_("Check character"),
    }
    __audit_ref__ = "scope"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(100), unique=True)
    pattern: Mapped[str] = mapped_column(String(100))
    reset: Mapped[str] = mapped_column(String(10), default="never")
    check_char: Mapped[str] = mapped_column(String(20), default="none")
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class NumberingCounter(Base):
    """The last sequence value issued by a rule in a period (``all``, ``2026``, ``2026-11``,
    ``2026-11-22``). Taken under a row lock, so no value is ever issued twice."""

    __tablename__ = "numbering_counter"

    rule_id: Mapped[int] = mapped_column(ForeignKey("numbering_rule.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
