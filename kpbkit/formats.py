"""Swedish number formats for presentation only; the model keeps unrounded kronor.

>>> kr(1234567.4).replace(NBSP, " ")
'1 234 567 kr'
>>> percent(0.125).replace(NBSP, " ")
'12,5 %'
>>> number(-12.5, 1)
'−12,5'
"""

from __future__ import annotations

import decimal
import functools
import math

from babel.numbers import format_decimal

LOCALE = "sv_SE"
NBSP = "\u00a0"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, decimals: int = 0) -> str:
    """``1 234,5`` with non-breaking spaces as thousands separators; empty for missing values."""
    if _missing(value):
        return "–"
    return _number_text(repr(float(value)), decimals)


@functools.lru_cache(maxsize=65536)
def _number_text(value: str, decimals: int) -> str:
    # cached on the value's repr (not the float: -0.0 == 0.0 but prints "−0"): charts' tick labels and tables ask
    # for the same few thousand numbers again and again, and Babel's Decimal formatting is slow
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP  # 0,5 kr rounds up, as in Swedish accounts
        text = format_decimal(decimal.Decimal(value), format=pattern, locale=LOCALE)
    return text.replace("-", "\u2212").replace(" ", NBSP)  # Swedish typography: a real minus sign


def kr(value: float | None, decimals: int = 0) -> str:
    """``1 234 567 kr``."""
    return "–" if _missing(value) else f"{number(value, decimals)}{NBSP}kr"


def mkr(value: float | None) -> str:
    """Millions of kronor, ``12,3 mnkr``."""
    return "–" if _missing(value) else f"{number(float(value) / 1e6, 1)}{NBSP}mnkr"


def percent(share: float | None, decimals: int = 1) -> str:
    """A fraction 0–1 as ``12,5 %``."""
    return "–" if _missing(share) else f"{number(float(share) * 100, decimals)}{NBSP}%"


def count(value: float | None) -> str:
    return number(value, 0)


FORMATTERS = {
    "kr": kr,
    "mkr": mkr,
    "percent": percent,
    "int": count,
    "dec1": lambda v: number(v, 1),
    "dec2": lambda v: number(v, 2),
    "text": lambda v: "" if _missing(v) else str(v),
    "numtext": lambda v: "" if _missing(v) else str(v),  # already formatted, aligned as a number
}
