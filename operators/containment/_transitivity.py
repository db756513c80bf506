"""Deciding pairs from other pairs' verdicts, and choosing which pairs to check next.

Columns are matched by normalised name and the type widenings compose losslessly, so for exact
containment (set or bag semantics alike):
- A contains B and B contains C  =>  A contains C;
- X contains A and X does not contain C  =>  A does not contain C (else X would contain C);
- C contains Y and A does not contain Y  =>  A does not contain C (else A would contain Y).
Only exact verdicts are used; approximate containment (degree >= tau) is not transitive.
"""

from __future__ import annotations

from collections import defaultdict

from operators.containment._pairs import Pair

STAGE = "verify_containment"


class Knowledge:
    """Verdicts of all pairs, indexed by parent and by child."""

    def __init__(self, pairs: list[Pair]) -> None:
        self.by_key = {p.key: p for p in pairs}
        self.children: dict[str, set[str]] = defaultdict(set)
        self.parents: dict[str, set[str]] = defaultdict(set)
        for p in pairs:
            self.children[p.parent].add(p.child)
            self.parents[p.child].add(p.parent)

    def contained(self, parent: str, child: str) -> bool:
        p = self.by_key.get((parent, child))
        return p is not None and p.verdict in ("contained", "duplicate") and p.exact

    def refuted(self, parent: str, child: str) -> bool:
        p = self.by_key.get((parent, child))
        return p is not None and p.verdict == "not_contained" and p.exact

    def possible(self, parent: str, child: str) -> bool:
        p = self.by_key.get((parent, child))
        return p is not None and (p.pending or self.contained(parent, child))

    def infer(self) -> int:
        """Decide pending pairs by transitivity until nothing changes; returns how many."""
        decided, changed = 0, True
        while changed:
            changed = False
            for pair in [p for p in self.by_key.values() if p.pending]:
                if self._infer_one(pair):
                    decided += 1
                    changed = True
        return decided

    def _infer_one(self, pair: Pair) -> bool:
        a, c = pair.key
        for b in sorted(self.children[a] & self.parents[c]):
            if self.contained(a, b) and self.contained(b, c):
                pair.decide("contained", STAGE, f"transitive_contained: {a} contains {b}, which contains {c}", 1.0)
                return True
        for x in sorted(self.parents[a]):
            if self.contained(x, a) and self.refuted(x, c):
                pair.decide("not_contained", STAGE, f"transitive_not_contained: {x} contains {a} but not {c}")
                return True
        for y in sorted(self.children[c]):
            if self.contained(c, y) and self.refuted(a, y):
                pair.decide("not_contained", STAGE, f"transitive_not_contained: {c} contains {y}, {a} does not")
                return True
        return False

    def next_wave(self) -> list[Pair]:
        """Pending pairs with the fewest possible intermediates (none, when any such pair exists):
        checking them first lets the others be inferred."""
        pending = [p for p in self.by_key.values() if p.pending]
        if not pending:
            return []
        counts = {p.key: self._intermediates(p) for p in pending}
        fewest = min(counts.values())
        return sorted((p for p in pending if counts[p.key] == fewest), key=lambda p: p.key)

    def _intermediates(self, pair: Pair) -> int:
        a, c = pair.key
        middle = (self.children[a] & self.parents[c]) - {a, c}
        return sum(1 for b in middle if self.possible(a, b) and self.possible(b, c))
