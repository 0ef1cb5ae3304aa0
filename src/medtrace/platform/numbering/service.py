"""Numbering rules and the counters that issue their numbers (see ``docs/numbering.md``).

A module opts a kind of number in with ``register_kind("traceability.lot", N_("Lot numbers"))``.
A rule's scope is a registered kind, alone (the default for that kind) or narrowed by
``:``-separated qualifiers (``traceability.lot:item:42``). The module calls
``next_number(uow, "traceability.lot:item:42", fallback="traceability.lot")`` inside its own
unit of work: the counter row of the rule and period is locked, incremented and the formatted
number returned. The increment is part of the caller's transaction: if it rolls back, the number
was never issued and the next caller gets it, so rollbacks leave no gaps (a record deleted later,
e.g. a discarded draft, does leave one, which is acceptable).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from medtrace.platform.db.search import ESCAPE
from medtrace.platform.db.search import contains as search_pattern
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_, gettext
from medtrace.platform.numbering.errors import (
    NoNumberingRule,
    NumberingExhausted,
    NumberingRuleInvalid,
    NumberingRuleNotFound,
)
from medtrace.platform.numbering.models import NumberingCounter, NumberingRule
from medtrace.platform.numbering.pattern import Pattern, PatternInvalid, Problem, parse

SCOPE = re.compile(r"^(?P<kind>[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?::[A-Za-z0-9_.-]+)*$")
MAX_PREVIEW = 100
_kinds: dict[str, str] = {}
_counters = NumberingCounter.__table__


def register_kind(kind: str, label: str) -> None:
    """Opt a kind of number in (``label`` is a msgid shown to administrators)."""
    if not SCOPE.match(kind) or ":" in kind:
        raise ValueError(f"a numbering kind is a dotted lower-case name: {kind!r}")
    _kinds[kind] = label


def kinds() -> dict[str, str]:
    return dict(sorted(_kinds.items()))


def _invalid(problems: Sequence[Problem], subject: str | None = None) -> NumberingRuleInvalid:
    errors = [{"field": p.field, "message": gettext(p.message, **p.params), "type": "value_error"}
              for p in problems]
    detail = "; ".join(e["message"] for e in errors)
    return NumberingRuleInvalid(f"{subject}: {detail}" if subject else detail, errors=errors)


def compile_pattern(pattern: str, reset: str = "never", check: str = "none") -> Pattern:
    """The checked pattern, or ``NumberingRuleInvalid`` naming every problem."""
    try:
        return parse(pattern, reset, check)
    except PatternInvalid as exc:
        raise _invalid(exc.problems) from None


def rule_pattern(rule: NumberingRule) -> Pattern:
    return compile_pattern(rule.pattern, rule.reset, rule.check_char)


# --- reads ------------------------------------------------------------------------------------
def get_rule(uow: UnitOfWork, scope: str) -> NumberingRule | None:
    return uow.session.scalar(select(NumberingRule).where(NumberingRule.scope == scope))


def get_rule_or_raise(uow: UnitOfWork, rule_id: int) -> NumberingRule:
    rule = uow.session.get(NumberingRule, rule_id)
    if rule is None:
        raise NumberingRuleNotFound(f"no numbering rule {rule_id}")
    return rule


def list_rules(uow: UnitOfWork, *, kind: str | None = None, active: bool | None = None,
               search: str | None = None, limit: int = 50, offset: int = 0
               ) -> tuple[list[NumberingRule], int]:
    """Rules matching every given filter, by scope; and their total."""
    query = select(NumberingRule)
    if kind:
        query = query.where(or_(NumberingRule.scope == kind,
                                NumberingRule.scope.startswith(kind + ":", autoescape=True)))
    if active is not None:
        query = query.where(NumberingRule.active.is_(active))
    if search and search.strip():
        like = search_pattern(search.strip())
        query = query.where(or_(*(column.ilike(like, escape=ESCAPE) for column in (
            NumberingRule.scope, NumberingRule.pattern, NumberingRule.description))))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = uow.session.scalars(query.order_by(NumberingRule.scope).limit(limit).offset(offset))
    return list(rows), int(total)


def find_rule(uow: UnitOfWork, scope: str, fallback: str | Sequence[str] | None = None
              ) -> NumberingRule | None:
    """The active rule of ``scope``, else of the first ``fallback`` scope that has one."""
    scopes = [scope, *([fallback] if isinstance(fallback, str) else (fallback or ()))]
    rules = {r.scope: r for r in uow.session.scalars(select(NumberingRule).where(
        NumberingRule.scope.in_(scopes), NumberingRule.active.is_(True)))}
    return next((rules[s] for s in scopes if s in rules), None)


def _counter_value(uow: UnitOfWork, rule_id: int, period: str) -> int:
    found = uow.session.execute(select(_counters.c.value).where(
        _counters.c.rule_id == rule_id, _counters.c.period == period)).scalar_one_or_none()
    return int(found or 0)


# --- writes -----------------------------------------------------------------------------------
def save_rule(uow: UnitOfWork, *, scope: str, pattern: str, reset: str = "never",
              check: str = "none", description: str = "", active: bool = True
              ) -> NumberingRule:
    """Define the rule of ``scope``, or change it. Refused (``MT-NUMBERING-RULE-INVALID``):
    an unknown scope, a pattern that could make numbers over 20 characters or with characters
    outside GS1 character set 82, and changing the reset period of a rule that has issued
    numbers (its counters would restart and repeat numbers). A changed pattern goes on with
    the same counters."""
    scope = (scope or "").strip()
    pattern = (pattern or "").strip()
    problems: list[Problem] = []
    match = SCOPE.match(scope) if len(scope) <= 100 else None
    if match is None:
        problems.append(Problem("scope", N_("a kind such as traceability.lot, optionally followed "
                                            "by :qualifiers such as :item:42")))
    elif match.group("kind") not in _kinds:
        problems.append(Problem("scope", N_("unknown kind %(kind)s; known: %(known)s"),
                                {"kind": match.group("kind"), "known": ", ".join(kinds())}))
    if len(description or "") > 200:
        problems.append(Problem("description", N_("at most 200 characters")))
    try:
        compiled = parse(pattern, reset, check)
    except PatternInvalid as exc:
        problems.extend(exc.problems)
        compiled = None
    rule = get_rule(uow, scope) if match else None
    if rule is not None and compiled is not None:
        issued = uow.session.scalar(select(func.count()).select_from(_counters).where(
            _counters.c.rule_id == rule.id)) or 0
        if issued and reset != rule.reset:
            problems.append(Problem("reset", N_(
                "this rule has issued numbers: its reset period cannot change")))
        current = _counter_value(uow, rule.id, compiled.period(uow.today()))
        if current > compiled.capacity:
            problems.append(Problem("pattern", N_(
                "the sequence is already at %(value)s this period, more than %(width)s digits "
                "can show"),
                                    {"value": current, "width": compiled.width}))
    if problems:
        raise _invalid(problems, f"numbering rule {scope!r}")
    if rule is None:
        rule = NumberingRule(scope=scope)
        uow.session.add(rule)
    rule.pattern, rule.reset, rule.check_char = pattern, reset, check
    rule.description, rule.active = (description or "").strip(), active
    uow.flush()
    return rule


def _take(uow: UnitOfWork, rule: NumberingRule, period: str, capacity: int) -> int:
    """Lock the counter row of (rule, period), creating it at 0 if need be, and move it on by
    one; the new value. PostgreSQL: ``SELECT ... FOR UPDATE`` (a concurrent taker waits for
    this transaction to end, then reads the committed value); SQLite: writing units of work
    already hold the database's write lock (``BEGIN IMMEDIATE``)."""
    session = uow.session
    where = (_counters.c.rule_id == rule.id, _counters.c.period == period)
    locked = select(_counters.c.value).where(*where).with_for_update()
    current = session.execute(locked).scalar_one_or_none()
    if current is None:
        insert = pg_insert if uow.db.dialect == "postgresql" else sqlite_insert
        session.execute(insert(_counters).values(
            rule_id=rule.id, period=period, value=0, updated_at=uow.now()
        ).on_conflict_do_nothing(index_elements=["rule_id", "period"]))
        current = session.execute(locked).scalar_one()
    if current >= capacity:
        raise NumberingExhausted(f"{rule.scope}: all {capacity} numbers of period {period} "
                                 "are issued")
    session.execute(update(_counters).where(*where).values(value=current + 1,
                                                           updated_at=uow.now()))
    return int(current) + 1


def next_number(uow: UnitOfWork, scope: str, *, fallback: str | Sequence[str] | None = None,
                today: dt.date | None = None, skip: Callable[[str], bool] | None = None) -> str:
    """Issue the next number of the active rule of ``scope`` (else of ``fallback``), in the
    caller's unit of work. ``today`` (default: the plant-local date) chooses the period and
    the date parts. Numbers for which ``skip`` answers True (already used, e.g. entered by
    hand) are passed over. Raises ``NoNumberingRule`` and ``NumberingExhausted``."""
    if not uow.write:
        raise RuntimeError("numbers are issued in a writing unit of work")
    rule = find_rule(uow, scope, fallback)
    if rule is None:
        others = [fallback] if isinstance(fallback, str) else list(fallback or ())
        raise NoNumberingRule(" / ".join([scope, *others]))
    pattern = rule_pattern(rule)
    day = today or uow.today()
    period = pattern.period(day)
    # Only the counter's row lock: the audit chain's lock is taken at the commit, after every
    # row lock (platform/audit/appending.py), so it never orders against the counter.
    while True:
        number = pattern.format(day, _take(uow, rule, period, pattern.capacity))
        if skip is None or not skip(number):
            return number


@dataclass(frozen=True)
class Preview:
    scope: str | None
    pattern: str
    reset: str
    check: str
    period: str
    numbers: list[str]
    exhausted: bool  # fewer numbers than asked are left in the period
    rule_id: int | None = None


def preview(uow: UnitOfWork, *, scope: str | None = None, pattern: str | None = None,
            reset: str | None = None, check: str | None = None, count: int = 5,
            today: dt.date | None = None) -> Preview:
    """The next ``count`` numbers, without issuing them: of the rule of ``scope`` as stored,
    or of a draft ``pattern`` (going on from the counter of ``scope``'s rule, if it has one).
    Another user may take them first: a preview is not a reservation."""
    rule = get_rule(uow, scope) if scope else None
    if pattern is None:
        if rule is None:
            raise NumberingRuleNotFound(f"no numbering rule for {scope!r}")
        pattern, reset, check = rule.pattern, rule.reset, rule.check_char
    compiled = compile_pattern(pattern, reset or "never", check or "none")
    day = today or uow.today()
    period = compiled.period(day)
    start = _counter_value(uow, rule.id, period) + 1 if rule is not None else 1
    count = max(1, min(count, MAX_PREVIEW))
    stop = min(start + count, compiled.capacity + 1)
    numbers = [compiled.format(day, value) for value in range(start, stop)]
    return Preview(scope=scope, pattern=compiled.template, reset=compiled.reset,
                   check=compiled.check, period=period, numbers=numbers,
                   exhausted=len(numbers) < count, rule_id=rule.id if rule else None)


def next_number_or_default(uow: UnitOfWork, kind: str, *, pattern: str,
                           reset: str = "yearly") -> str:
    """The next number of ``kind``; the first time a plant needs one, ``pattern`` becomes the
    kind's rule (in this transaction), which an administrator may change on the numbering
    page. The modules' documents (service orders, visits, complaints) number this way."""
    if find_rule(uow, kind) is None:
        save_rule(uow, scope=kind, pattern=pattern, reset=reset, description="MedTrace default")
    return next_number(uow, kind)
