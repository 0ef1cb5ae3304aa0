"""Numbering rules for lots, serials and other numbers, as a platform mechanism (see
``service`` for how a module opts in, ``pattern`` for the pattern language and
``docs/numbering.md`` for the whole story)."""

from medtrace.platform.numbering.errors import (
    NoNumberingRule,
    NumberingExhausted,
    NumberingRuleInvalid,
    NumberingRuleNotFound,
)
from medtrace.platform.numbering.models import NumberingCounter, NumberingRule
from medtrace.platform.numbering.pattern import CHECKS, RESETS, Pattern
from medtrace.platform.numbering.service import (
    Preview,
    compile_pattern,
    find_rule,
    get_rule,
    get_rule_or_raise,
    kinds,
    list_rules,
    next_number,
    next_number_or_default,
    preview,
    register_kind,
    save_rule,
)

__all__ = [
    "CHECKS",
    "RESETS",
    "NoNumberingRule",
    "NumberingCounter",
    "NumberingExhausted",
    "NumberingRule",
    "NumberingRuleInvalid",
    "NumberingRuleNotFound",
    "Pattern",
    "Preview",
    "compile_pattern",
    "find_rule",
    "get_rule",
    "get_rule_or_raise",
    "kinds",
    "list_rules",
    "next_number",
    "next_number_or_default",
    "preview",
    "register_kind",
    "save_rule",
]
