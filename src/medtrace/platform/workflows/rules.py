"""Statuses of versions, instances and tasks; durations."""

from __future__ import annotations

import datetime as dt

from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_

MAX_DELEGATION = dt.timedelta(days=90)


class VersionStatus(LabelledEnum):
    DRAFT = "draft", N_("draft")
    SUBMITTED = "submitted", N_("submitted for approval")
    PUBLISHED = "published", N_("published")
    RETIRED = "retired", N_("retired")


class InstanceStatus(LabelledEnum):
    RUNNING = "running", N_("running")
    COMPLETED = "completed", N_("completed")
    CANCELLED = "cancelled", N_("cancelled")


class TaskStatus(LabelledEnum):
    OPEN = "open", N_("open")
    COMPLETED = "completed", N_("completed")
    CANCELLED = "cancelled", N_("cancelled")


def duration(text: str) -> dt.timedelta:
    """An ISO 8601 duration (P2D, PT4H, P1W; a month counts 30 days, a year 365)."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    parsed = TimerEventDefinition.parse_iso_duration(text)
    return TimerEventDefinition.get_timedelta_from_start(
        parsed, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
