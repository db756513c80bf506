"""Confidence bounds on a containment degree estimated from a sample of distinct child rows.

Hoeffding's inequality (W. Hoeffding, "Probability inequalities for sums of bounded random
variables", JASA 58(301), 1963; Theorem 1, and section 6 for sampling without replacement): for n
sampled rows with observed fraction p_hat found in the parent, the true degree C satisfies
C >= p_hat - sqrt(ln(1/delta) / (2n)) with probability at least 1 - delta (and symmetrically for
the upper bound), delta = 1 - confidence.
"""

from __future__ import annotations

import math


def hoeffding_margin(n: int, confidence: float) -> float:
    if n <= 0:
        return 1.0
    return math.sqrt(math.log(1.0 / (1.0 - confidence)) / (2.0 * n))


def degree_bounds(hits: float, n: int, confidence: float) -> tuple[float, float]:
    """(lower, upper) confidence bounds of the degree from ``hits`` out of ``n`` sampled rows."""
    if n <= 0:
        return 0.0, 1.0
    estimate = hits / n
    margin = hoeffding_margin(n, confidence)
    return max(0.0, estimate - margin), min(1.0, estimate + margin)
