"""Numbers inside the Dutch sentences analytics/ writes for the command line and the meeting pack:
decimal comma, thousands point, p-values a reader can take in ("p = 0,012", "p < 0,001").

Numbers come from civ/formatting.py, the one formatter of pages, command lines and the pack, so a
sentence read on the command line and on the page is word for word the same.
"""

from __future__ import annotations

import math

from civ.formatting import number


def about(value: float) -> str:
    """A rounded amount for 'ongeveer …': whole numbers from 3 on, one decimal below."""
    value = abs(float(value))
    return number(value, 0 if value >= 3 else 1)


def p_text(p: float) -> str:
    """'p = 0,43', 'p = 0,012', 'p = 0,0031', 'p < 0,001' — never '0,000'."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p onbekend"
    if p < 0.001:
        return "p < 0,001"
    if p >= 0.1:
        return f"p = {number(p, 2)}"
    if p >= 0.01:
        return f"p = {number(p, 3)}"
    return f"p = {number(p, 4)}"
