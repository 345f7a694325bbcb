"""Mean and Student-t confidence interval over seeds: :func:`summarise`.

Plain Python (no SciPy): the t quantile is found by bisection on the CDF,
itself the regularised incomplete beta function evaluated by its continued
fraction (Press et al., Numerical Recipes, 3rd ed., section 6.4).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Of ``n`` finite values: their ``mean`` and the ``half`` width of the CI.

    ``half`` is ``t(1 - (1 - level) / 2, n - 1) * s / sqrt(n)`` with ``s`` the
    sample standard deviation; NaN when ``n < 2``; ``mean`` NaN when ``n == 0``.
    """

    n: int
    mean: float
    half: float


def finite(value) -> bool:
    """Whether ``value`` is a finite int or float (not a bool, not None)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def summarise(values: Iterable[float], level: float = 0.95) -> Summary:
    """Mean and CI half-width of the finite ``values`` (NaN, None, strings are left out)."""
    xs = [float(v) for v in values if finite(v)]
    n = len(xs)
    if n == 0:
        return Summary(0, math.nan, math.nan)
    mean = math.fsum(xs) / n
    if n < 2:
        return Summary(1, mean, math.nan)
    s = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1))
    return Summary(n, mean, t_quantile(1.0 - (1.0 - level) / 2.0, n - 1) * s / math.sqrt(n))


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile (0.5 <= p < 1) of Student's t with ``df`` >= 1 degrees of freedom."""
    if not 0.5 <= p < 1.0 or df < 1:
        raise ValueError(f"t_quantile needs 0.5 <= p < 1 and df >= 1, got {p}, {df}")
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        lo, hi = hi, 2.0 * hi
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * hi:
            break
    return 0.5 * (lo + hi)


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def _betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        for num in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                    -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h
