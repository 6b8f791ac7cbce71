"""The text JavaScript's ``String(n)`` gives a number: how the API's backend prints one.

Pure and small on purpose: metadata filters compare a stored number by this text, and any
index over metadata values must compute it the same way.
"""

from __future__ import annotations

import math
from decimal import Decimal


def js_string(number: int | float) -> str:
    """``String(number)`` in JavaScript: ``100.0`` is ``"100"``, ``1e-7`` is ``"1e-7"``."""
    if isinstance(number, int):
        # Python ints are exact; the API keeps numbers within 2**53, where JS prints them whole.
        return str(number)
    if number == 0:
        return "0"  # String(-0) is "0" too
    if not math.isfinite(number):
        return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that round-trip, as ECMAScript's Number::toString does.
    _, digit_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
    if not isinstance(exponent, int):  # pragma: no cover - finite numbers have one
        raise ValueError(f"not a finite number: {number!r}")
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = exponent + k  # the decimal point sits after n digits
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    power = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"
