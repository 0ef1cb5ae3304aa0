"""Typed errors of the numbering mechanism."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class NumberingRuleInvalid(DomainError):
    code = "MT-NUMBERING-RULE-INVALID"
    status = 422
    title = N_("The numbering rule is not valid.")
    help = ("Unknown scope, a pattern whose numbers could exceed 20 characters or use characters "
            "outside GS1 character set 82, no or several sequence parts, a reset period the "
            "date parts cannot tell apart, or a check character that does not fit; `errors` "
            "names each.")


class NumberingRuleNotFound(DomainError):
    code = "MT-NUMBERING-NOT-FOUND"
    status = 404
    title = N_("Numbering rule not found.")
    help = "No numbering rule with this id or scope."


class NoNumberingRule(DomainError):
    code = "MT-NUMBERING-NO-RULE"
    status = 422
    title = N_("No numbering rule applies: enter the number or define a rule.")
    help = ("A number was to be issued automatically, but no active rule exists for the scope "
            "nor for its default (e.g. `traceability.lot:item:42`, then `traceability.lot`).")


class NumberingExhausted(DomainError):
    code = "MT-NUMBERING-EXHAUSTED"
    status = 409
    title = N_("The number sequence is exhausted for this period.")
    help = ("The next sequence value does not fit the width of the rule's `{SEQ:n}` part. "
            "Widen the sequence (if the numbers stay within 20 characters) or wait for the "
            "next period of a resetting rule.")
