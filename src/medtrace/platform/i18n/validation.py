"""Pydantic's validation messages in the user's language.

Pydantic words its refusals in English ("String should have at least 1 character"); a page or
an answer in Chinese must not show them. Each error ``type`` has a msgid here, with the error's
context (``min_length``, ``le``, ``expected``...) as parameters; a type without one falls back
to a general "not valid" in the user's language, never to pydantic's English."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medtrace.platform.i18n import N_, translate

MESSAGES = {
    "missing": N_("required"),
    "string_too_short": N_("at least %(min_length)s characters"),
    "string_too_long": N_("at most %(max_length)s characters"),
    "string_type": N_("must be text"),
    "string_pattern_mismatch": N_("not in the expected format"),
    "too_short": N_("at least %(min_length)s entries"),
    "too_long": N_("at most %(max_length)s entries"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "decimal_parsing": N_("must be a number"),
    "decimal_type": N_("must be a number"),
    "decimal_max_digits": N_("too many digits"),
    "decimal_max_places": N_("too many decimal places"),
    "decimal_whole_digits": N_("too many digits before the decimal point"),
    "finite_number": N_("must be a finite number"),
    "greater_than": N_("must be greater than %(gt)s"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "less_than": N_("must be less than %(lt)s"),
    "less_than_equal": N_("must be at most %(le)s"),
    "bool_parsing": N_("must be yes or no"),
    "bool_type": N_("must be yes or no"),
    "date_parsing": N_("must be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("must be a date YYYY-MM-DD"),
    "date_type": N_("must be a date YYYY-MM-DD"),
    "datetime_parsing": N_("must be a date and time"),
    "datetime_from_date_parsing": N_("must be a date and time"),
    "datetime_type": N_("must be a date and time"),
    "timezone_aware": N_("needs its time zone"),
    "literal_error": N_("is not one of the choices offered"),
    "enum": N_("is not one of the choices offered"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "json_invalid": N_("is not valid JSON"),
    "json_type": N_("is not valid JSON"),
    "extra_forbidden": N_("is not a known field"),
    "value_error": N_("not valid"),
    "assertion_error": N_("not valid"),
    "uuid_parsing": N_("not valid"),
    "url_parsing": N_("not a valid address"),
}
FALLBACK = N_("not valid")


def message(error_type: str, context: dict[str, Any] | None, locale: str) -> str:
    """The message of one pydantic error in ``locale``."""
    template = MESSAGES.get(error_type, FALLBACK)
    params = {key: str(value) if isinstance(value, Decimal) else value
              for key, value in (context or {}).items()
              if isinstance(value, str | int | float | Decimal) or value is None}
    try:
        return translate(template, locale, **params) if params else translate(template, locale)
    except (KeyError, ValueError, TypeError):  # a context without the parameter
        return translate(FALLBACK, locale)
