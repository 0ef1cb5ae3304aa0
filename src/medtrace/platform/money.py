"""Money: the plant's currency, the currencies orders may be placed in, exchange rates to CNY
and amounts rounded to the cent. Purchasing and sales both price in these rules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: the plant's own currency: workflow amounts are compared in it
HOME_CURRENCY = "CNY"
#: the currencies an order may be placed in
CURRENCIES = ("CNY", "USD", "EUR", "JPY", "GBP", "HKD", "CHF", "KRW", "SGD", "AUD")
#: an exchange rate to CNY is bounded: (0, MAX_RATE]
MAX_RATE = Decimal(10000)
CENT = Decimal("0.01")


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def in_home_currency(amount: Decimal, currency: str, rate: Decimal | None) -> Decimal:
    """An amount in CNY (the rate is CNY per one unit of ``currency``)."""
    if currency == HOME_CURRENCY:
        return amount
    if rate is None:
        raise ValueError("a foreign-currency amount needs its exchange rate")
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def rate_problem(currency: str, rate: Decimal | None) -> str | None:
    """Why the exchange rate of an order in ``currency`` is not acceptable, or None."""
    if currency not in CURRENCIES:
        return "unknown currency"
    if currency == HOME_CURRENCY:
        return None if rate in (None, Decimal(1)) else "CNY has no exchange rate"
    if rate is None:
        return "required for a foreign currency"
    if not (Decimal(0) < rate <= MAX_RATE):
        return "out of range"
    return None
