"""Small-data reference for ``minhash_dedup``: datasketch MinHash + MinHashLSH + union-find.

Same shingles and shingle hash (``shingling``), same datasketch scheme, seed and bands x rows;
candidates are read from the LSH index's own buckets, with the same cap rule (buckets above
``bucket_cap`` link members to their smallest id), kept when datasketch's Jaccard estimate
reaches ``cfg.min_est_jaccard()`` (the prefilter), verified and merged with union-find.
The Spark path must produce exactly these clusters and survivors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from datasketch import MinHash, MinHashLSH

from operators.dedup.keep_policy import python_sort_key
from operators.dedup.minhash_dedup import MinHashDedupConfig
from operators.dedup.shingling import minhash_input32, shingle_hash64, shingles


@dataclass(frozen=True)
class ReferenceResult:
    """Multi-member clusters keyed by their smallest id, with each cluster's survivor."""

    clusters: dict[str, list[str]]
    survivors: dict[str, str]
    edges: set[tuple[str, str]]


def _minhash(text: str | None, cfg: MinHashDedupConfig, seed: int) -> MinHash:
    m = MinHash(num_perm=cfg.num_perm, seed=seed, scheme=cfg.scheme, hashfunc=minhash_input32)
    m.update_batch(list(shingles(text, cfg.spec(seed).shingles)))
    return m


def _bucket_pairs(lsh: MinHashLSH, cap: int) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for table in lsh.hashtables:
        for key in table.keys():  # noqa: SIM118 (a datasketch storage, not a dict)
            members = sorted(table.get(key))
            if len(members) > cap:
                pairs.update((members[0], m) for m in members[1:])
            else:
                pairs.update(combinations(members, 2))
    return pairs


def _jaccard(x: set[int], y: set[int]) -> float:
    union = len(x | y)
    return len(x & y) / union if union else 0.0


def _keep_edge(pair: tuple[str, str], sketches: Mapping[str, MinHash],
               texts: Mapping[str, str | None], cfg: MinHashDedupConfig, seed: int) -> bool:
    a, b = pair
    min_est = cfg.min_est_jaccard()
    if min_est is not None and sketches[a].jaccard(sketches[b]) < min_est:
        return False
    if cfg.verify == "exact":
        spec = cfg.spec(seed).shingles
        sets = [{shingle_hash64(s) for s in shingles(texts[k], spec)} for k in (a, b)]
        return _jaccard(*sets) >= cfg.threshold
    return True


def _components(edges: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    return {min(m): sorted(m) for m in groups.values()}


def reference_dedup(records: Sequence[Mapping[str, Any]], cfg: MinHashDedupConfig,
                    seed: int) -> ReferenceResult:
    """Clusters and survivors of ``records`` (dicts holding the id, text and keep columns)."""
    ids = [str(r[cfg.id_column]) for r in records]
    texts = {i: r.get(cfg.text_column) for i, r in zip(ids, records)}
    sketches = {i: _minhash(texts[i], cfg, seed) for i in ids}
    lsh = MinHashLSH(num_perm=cfg.num_perm, params=(cfg.bands, cfg.rows))
    for i in ids:
        if shingles(texts[i], cfg.spec(seed).shingles):
            lsh.insert(i, sketches[i])
    edges = {p for p in _bucket_pairs(lsh, cfg.bucket_cap) if _keep_edge(p, sketches, texts, cfg, seed)}
    clusters = _components(edges)
    by_id = dict(zip(ids, records))
    key = python_sort_key(cfg, [cfg.text_column])
    survivors = {c: str(min((by_id[m] for m in members), key=key)[cfg.id_column])
                 for c, members in clusters.items()}
    return ReferenceResult(clusters, survivors, edges)
