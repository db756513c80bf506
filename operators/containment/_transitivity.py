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
        """The pairs to check next so that the others can be inferred: first, the cycle edges
        of every group of tables that may be copies of each other (k checks settle k(k-1) pairs);
        then the pending pairs with the fewest possible intermediates (none, when any such pair
        exists: the edges of the candidate Hasse diagram), one per pair of verified-equal classes."""
        pending = [p for p in self.by_key.values() if p.pending]
        if not pending:
            return []
        cycles = self._copy_cycles(pending)
        if cycles:
            return cycles
        classes = self._classes()
        counts = {p.key: self._intermediates(p, classes) for p in pending}
        fewest = min(counts.values())
        chosen: dict[tuple[str, str], Pair] = {}
        for p in sorted(pending, key=lambda p: p.key):
            if counts[p.key] == fewest:
                chosen.setdefault((classes.get(p.parent, p.parent), classes.get(p.child, p.child)), p)
        return sorted(chosen.values(), key=lambda p: p.key)

    def _copy_cycles(self, pending: list[Pair]) -> list[Pair]:
        """Pending edges of the cycle m0 -> m1 -> ... -> m0 over each group of possible copies."""
        groups = _UnionFind()
        for p in pending:
            if self.possible(p.child, p.parent):
                groups.union(p.parent, p.child)
        out = []
        for members in groups.groups():
            ring = sorted(members)
            for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
                pair = self.by_key.get((a, b))
                if pair is not None and pair.pending:
                    out.append(pair)
        return sorted(out, key=lambda p: p.key)

    def _classes(self) -> dict[str, str]:
        """Table -> representative of its class of verified exact copies."""
        found = _UnionFind()
        for a, b in self.by_key:
            if self.contained(a, b) and self.contained(b, a):
                found.union(a, b)
        return {t: min(members) for members in found.groups() for t in members}

    def _intermediates(self, pair: Pair, classes: dict[str, str]) -> int:
        a, c = pair.key
        same = {classes.get(a, a), classes.get(c, c)}
        middle = (self.children[a] & self.parents[c]) - {a, c}
        return sum(1 for b in middle
                   if classes.get(b, b) not in same and self.possible(a, b) and self.possible(b, c))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[set[str]]:
        out: dict[str, set[str]] = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), set()).add(x)
        return [g for g in out.values() if len(g) > 1]
